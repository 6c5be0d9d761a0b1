#!/usr/bin/env bash
# Benchmark: one large PDF (default 200 MB) through the real upload path, POST /api/documents (documents issue), into the
# local-folder store and into the S3 store (Ceph's RADOS Gateway on loopback), alternating, in one run.
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
# The S3 backend side by side: Ceph's RADOS Gateway with room in memory for every upload (4 GiB).
TG_S3_MEMSTORE_BYTES=4294967296 tg_start_s3
export TG_BENCH_S3="Endpoint=$TG_S3_ENDPOINT;Bucket=$TG_S3_BUCKET;AccessKey=$TG_S3_ACCESS_KEY;SecretKey=$TG_S3_SECRET_KEY"
. "$ROOT/scripts/bench/lib-app.sh"
tg_bench_publish

tg_log "Running: upload of $MB MB (work folder on $(df --output=source,fstype "$TG_WORK" | tail -1))"
tg_bench_run upload "$MB"
