#!/usr/bin/env bash
# Benchmark: server memory per idle interactive Blazor circuit on /client (client-portal issue).
# Publishes TaxGenius.Web (Release) and runs it in its own process on a throwaway PostgreSQL + Redis; one demo client
# signs in once in Chromium and N browser contexts reuse the cookie to open /client. Reports the slope of the server's
# managed heap (after a forced full GC) and VmRSS between 1 and N live circuits, and the median time to interactive.
# Runs twice, side by side: tabs without their live hub connection (live.js blocked), then with it (circuit + /hubs/live).
# Usage: scripts/bench/circuit-memory.sh [N=100] [IDLE_SECONDS=0] [pages [PATH]]
#   pages: instead of /client with and without the hub, each role's busiest page in one run (/client, /preparer/board, /admin),
#   each tab with its live hub connection; PATH (/client, /preparer/board or /admin) runs only that one.
# Each run also takes two heap dumps (dotnet-gcdump, installed into the work folder) at 1 and N circuits and prints the bytes per
# circuit by type and by assembly.
#   IDLE_SECONDS > 0 measures again after that wait (135 lets Kestrel close idle keep-alive connections, 130 s timeout).
# Not run by scripts/test.sh or CI: benchmarks are never timed assertions.
set -euo pipefail
COUNT="${1:-100}"
IDLE="${2:-0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/lib/servers.sh"
trap tg_cleanup EXIT INT TERM

tg_install_missing
tg_workdir
tg_start_postgres
tg_start_redis
. "$ROOT/scripts/bench/lib-app.sh"
tg_bench_publish

tg_log "Installing dotnet-gcdump (heap dumps by type)"
dotnet tool install --tool-path "$TG_WORK/tools" dotnet-gcdump --version 10.0.750501 >/dev/null
export TG_BENCH_GCDUMP="$TG_WORK/tools/dotnet-gcdump"

if [ "${3:-}" = "pages" ]; then
  tg_log "Running: $COUNT idle circuits on each role's page"
  TAXGENIUS_CHROMIUM="$TG_CHROMIUM" tg_bench_run circuit-pages "$COUNT" ${4:+"$4"}
else
  tg_log "Running: $COUNT idle circuits on /client"
  TAXGENIUS_CHROMIUM="$TG_CHROMIUM" tg_bench_run circuits "$COUNT" "$IDLE"
fi
