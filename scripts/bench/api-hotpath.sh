#!/usr/bin/env bash
# Benchmark: the API's hot path (issue 22). Publishes TaxGenius.Web (Release) and runs it in its own process on a throwaway
# PostgreSQL + Redis with rate limits off (RateLimits:Enabled=false); 32 concurrent keep-alive connections (an HttpClient loop in
# the benchmark process, on the same cores) send, for SECONDS each and side by side in one run:
#   GET /health/live                                  (the yardstick)
#   GET /api/users/{id}               with an API token of the demo administrator
#   GET /api/users/{id}               with the demo administrator's cookie (signed in with password + authenticator code)
#   GET /api/users?role=CLIENT&limit=50 with the token
# and prints requests/s, the ratio to /health/live of the same round, the non-200 answers (must be 0) and PostgreSQL transactions
# per request.
# Usage: scripts/bench/api-hotpath.sh [SECONDS=10] [ROUNDS=2] [APP_ROOT]
#   APP_ROOT: another checkout whose TaxGenius.Web is published and measured instead (e.g. a worktree of an older commit, for
#   "before" figures); the benchmark program itself always comes from this checkout.
# Not run by scripts/test.sh or CI: benchmarks are never timed assertions.
set -euo pipefail
SECONDS_EACH="${1:-10}"
ROUNDS="${2:-2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
APP_ROOT="$(cd "${3:-$ROOT}" && pwd)"
. "$ROOT/scripts/lib/servers.sh"
trap tg_cleanup EXIT INT TERM

tg_install_missing
tg_workdir
tg_start_postgres
tg_start_redis
. "$ROOT/scripts/bench/lib-app.sh"

tg_log "Publishing TaxGenius.Web (Release) from $APP_ROOT ($(git -C "$APP_ROOT" rev-parse --short HEAD)) and building the benchmark"
dotnet publish "$APP_ROOT/TaxGenius.Web/TaxGenius.Web.csproj" -c Release -o "$TG_WORK/publish" -nologo -v quiet -clp:ErrorsOnly
dotnet build "$ROOT/scripts/bench/TaxGenius.Bench/TaxGenius.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly

tg_log "Running: $ROUNDS round(s) of $SECONDS_EACH s per request kind, 32 connections"
tg_bench_run api-hotpath "$SECONDS_EACH" "$ROUNDS"
