#!/usr/bin/env bash
# Benchmark: the season board at a large firm (issue 16: "10,000 engagements and 200,000 request items — p95 server time <= 50 ms
# per board or list load"). Times EngagementBoardService's board and list view under each filter, p50/p95 of RUNS runs, next to
# the naive load of every card of the year. Exits non-zero when a load misses the goal.
# Usage: scripts/bench/board-load.sh [ENGAGEMENTS=10000] [ITEMS=200000] [RUNS=200]
set -euo pipefail
ENGAGEMENTS="${1:-10000}"
ITEMS="${2:-200000}"
RUNS="${3:-200}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/lib/servers.sh"
trap tg_cleanup EXIT INT TERM

tg_install_missing
tg_workdir
# A read benchmark: durability settings do not change the figures, they only slow the load.
tg_start_postgres -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB
runuser -u postgres -- psql -h 127.0.0.1 -p "$TG_PG_PORT" -U postgres -qc "CREATE DATABASE taxgenius_bench" >/dev/null

tg_log "Building the benchmark (Release)"
dotnet build "$ROOT/scripts/bench/TaxGenius.Bench/TaxGenius.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly

tg_log "Running: $ENGAGEMENTS engagements, $ITEMS request items, $RUNS runs per case"
cd "$TG_WORK"
dotnet "$ROOT/scripts/bench/TaxGenius.Bench/bin/Release/net10.0/TaxGenius.Bench.dll" board \
  "Host=127.0.0.1;Port=$TG_PG_PORT;Username=postgres;Database=taxgenius_bench" "$ENGAGEMENTS" "$ITEMS" "$RUNS"
