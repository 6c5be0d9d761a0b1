#!/usr/bin/env bash
# Benchmark: COUNT e-mails through Hangfire on PostgreSQL into a local SMTP server (issue 3).
# Reports messages per second, lost and duplicates, next to the SMTP transport's own rate in the same run.
# Usage: scripts/bench/email-throughput.sh [COUNT=10000] [WORKERS=20]
set -euo pipefail
COUNT="${1:-10000}"
WORKERS="${2:-20}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/lib/servers.sh"
trap tg_cleanup EXIT INT TERM

tg_install_missing
tg_workdir
# Durable settings (fsync on): a benchmark of a queue must pay for commits as production does.
tg_start_postgres
tg_start_smtp

tg_log "Building the benchmark (Release)"
dotnet build "$ROOT/scripts/bench/TaxGenius.Bench/TaxGenius.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly

tg_log "Running: $COUNT e-mails, $WORKERS workers"
cd "$TG_WORK"
ConnectionStrings__Postgres="Host=127.0.0.1;Port=$TG_PG_PORT;Username=postgres;Database=taxgenius_bench;Maximum Pool Size=100" \
Email__Smtp__Host=127.0.0.1 Email__Smtp__Port="$TG_SMTP_PORT" Email__Smtp__Security=None \
TaxGenius__DataPath="$TG_WORK/data" \
  dotnet "$ROOT/scripts/bench/TaxGenius.Bench/bin/Release/net10.0/TaxGenius.Bench.dll" email "$COUNT" "$WORKERS" "$TG_SMTP_DIR"
