#!/usr/bin/env bash
# Benchmark: one large PDF (default 200 MB) through the real upload path, POST /api/documents (documents issue).
# Publishes TaxGenius.Web (Release) and runs it in its own process on a throwaway PostgreSQL + Redis; the file, a plain
# copy of it and the document store share one disk (the work folder). Reports upload MB/s next to the copy's MB/s and the
# ratio, the server's memory growth during the upload (sampled every 20 ms), the stored SHA-256 and a download back.
# Usage: scripts/bench/upload.sh [MB=200]
# Not run by scripts/test.sh or CI: benchmarks are never timed assertions.
set -euo pipefail
MB="${1:-200}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/lib/servers.sh"
trap tg_cleanup EXIT INT TERM

tg_install_missing
tg_workdir
tg_start_postgres
tg_start_redis
. "$ROOT/scripts/bench/lib-app.sh"
tg_bench_publish

tg_log "Running: upload of $MB MB (work folder on $(df --output=source,fstype "$TG_WORK" | tail -1))"
tg_bench_run upload "$MB"
