#!/usr/bin/env bash
# Benchmark: the preparers' review queue at DOCUMENTS documents (issue "/preparer/queue ... stays fast at 1M documents").
# Keyset pages through ReviewQueueService against the same page with OFFSET, at several depths, p50/p95 of RUNS runs each,
# then EXPLAIN (ANALYZE, BUFFERS) of the deepest keyset page.
# Usage: scripts/bench/queue-keyset.sh [DOCUMENTS=1000000] [CLIENTS=100000] [RUNS=200]
set -euo pipefail
DOCUMENTS="${1:-1000000}"
CLIENTS="${2:-100000}"
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

tg_log "Running: $DOCUMENTS documents, $CLIENTS clients, $RUNS runs per cell"
cd "$TG_WORK"
dotnet "$ROOT/scripts/bench/TaxGenius.Bench/bin/Release/net10.0/TaxGenius.Bench.dll" queue \
  "Host=127.0.0.1;Port=$TG_PG_PORT;Username=postgres;Database=taxgenius_bench" "$DOCUMENTS" "$CLIENTS" "$RUNS"
