#!/usr/bin/env bash
# The one command that tests TaxGenius on a fresh machine:
#   installs what is missing (apt: postgresql, redis-server, chromium, python3-aiosmtpd, radosgw + ceph-mon + ceph-osd, nginx),
#   starts a throwaway PostgreSQL, Redis, SMTP server and S3 server (Ceph RADOS Gateway, one bucket) on free loopback ports,
#   checks that `dotnet run --project TaxGenius.Web` answers on the embedded default,
#   runs every test project (unit, integration on PostgreSQL + SQLite + Redis, Playwright in Chromium),
#   stops what it started and exits non-zero on any failure.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Migration]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck source=lib/servers.sh
. "$ROOT/scripts/lib/servers.sh"
SMOKE_PID=""
cleanup() {
  local code=$?
  [ -n "$SMOKE_PID" ] && kill "$SMOKE_PID" 2>/dev/null
  tg_cleanup
  exit $code
}
trap cleanup EXIT INT TERM

# ---------------------------------------------------------------- install what is missing, start throwaway servers
tg_install_missing
tg_workdir
tg_start_postgres -c fsync=off -c synchronous_commit=off -c full_page_writes=off
tg_start_redis
tg_start_smtp
tg_start_s3
SMOKE_PORT="$(tg_free_port)"
WORK="$TG_WORK"

export TAXGENIUS_TEST_POSTGRES="Host=127.0.0.1;Port=$TG_PG_PORT;Username=postgres;Database=postgres;Include Error Detail=true"
export TAXGENIUS_TEST_REDIS="127.0.0.1:$TG_REDIS_PORT"
export TAXGENIUS_TEST_SMTP_PORT="$TG_SMTP_PORT"
export TAXGENIUS_TEST_SMTP_DIR="$TG_SMTP_DIR"
export TAXGENIUS_TEST_S3="Endpoint=$TG_S3_ENDPOINT;Bucket=$TG_S3_BUCKET;AccessKey=$TG_S3_ACCESS_KEY;SecretKey=$TG_S3_SECRET_KEY"
export TAXGENIUS_TEST_REDIS_SERVER="$(command -v redis-server)"
export TAXGENIUS_CHROMIUM="$TG_CHROMIUM"
export TAXGENIUS_TEST_PGBIN="$TG_PGBIN"

# ---------------------------------------------------------------- build
tg_log "Building (warnings are errors)"
dotnet build TaxGenius.sln -c Release -nologo -v quiet -clp:ErrorsOnly

# ---------------------------------------------------------------- the run command on the embedded default
tg_log "Smoke: dotnet run --project TaxGenius.Web answers on the embedded default"
SMOKE_DATA="$WORK/smoke-data"
started=$(date +%s)
TaxGenius__DataPath="$SMOKE_DATA" dotnet run --project TaxGenius.Web -c Release --no-build --no-launch-profile \
  -- --urls "http://127.0.0.1:$SMOKE_PORT" --environment Development >"$WORK/smoke.log" 2>&1 &
SMOKE_PID=$!
ok=""
for _ in $(seq 1 120); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SMOKE_PORT/" || true)" = "200" ]; then ok=1; break; fi
  kill -0 "$SMOKE_PID" 2>/dev/null || break
  sleep 0.5
done
if [ -z "$ok" ]; then echo "The app did not answer GET / with 200 within 60 s:"; cat "$WORK/smoke.log"; exit 1; fi
[ -f "$SMOKE_DATA/taxgenius.db" ] || { echo "The embedded default did not create $SMOKE_DATA/taxgenius.db"; exit 1; }
grep -q "admin@demo.taxgenius.test" "$WORK/smoke.log" || { echo "The demo accounts were not printed at start"; cat "$WORK/smoke.log"; exit 1; }
echo "GET / answered 200 after $(( $(date +%s) - started )) s; SQLite database created; demo accounts printed."
kill "$SMOKE_PID"; wait "$SMOKE_PID" 2>/dev/null || true; SMOKE_PID=""

# ---------------------------------------------------------------- tests
RESULTS="$WORK/results"
status=0
for project in TaxGenius.Tests TaxGenius.E2E; do
  tg_log "dotnet test $project"
  dotnet test "$project/$project.csproj" -c Release --no-build -nologo \
    --logger "trx;LogFilePrefix=$project" --logger "console;verbosity=normal" --results-directory "$RESULTS" \
    --blame-hang-timeout 10m "$@" || status=1
done

# One closing line for the whole run, counted from the result files.
python3 - "$RESULTS" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None: continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    skipped += int(c.get("notExecuted", 0))
# Failures again at the very end, so a CI log that keeps only its tail still names them.
for f in glob.glob(sys.argv[1] + "/*.trx"):
    root = ET.parse(f).getroot()
    for r in root.iter("{%s}UnitTestResult" % ns["t"]):
        if r.get("outcome") not in ("Failed", "Error", "Timeout"): continue
        msg = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        stack = r.find("t:Output/t:ErrorInfo/t:StackTrace", ns)
        print(f"\nFAILED {r.get('testName')} ({r.get('duration')})")
        if msg is not None and msg.text: print("  " + "\n  ".join(msg.text.strip().splitlines()[:15]))
        if stack is not None and stack.text: print("  " + "\n  ".join(stack.text.strip().splitlines()[:8]))
print(f"\ntests: {passed} passed, {failed} failed, {skipped} skipped")
if skipped: print("Skipped tests are not allowed in CI.")
sys.exit(1 if failed or skipped or passed == 0 else 0)
PY
[ $? -eq 0 ] || status=1
exit $status
