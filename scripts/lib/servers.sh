# Throwaway servers on free loopback ports, shared by scripts/test.sh and scripts/bench/*.sh.
# Source it, call tg_install_missing, tg_workdir, then tg_start_postgres / tg_start_redis / tg_start_smtp;
# tg_cleanup (run from an EXIT trap) stops everything that was started and removes the work folder.
# tg_start_s3 starts an S3 server (Ceph's RADOS Gateway on a one-node in-memory cluster) with one bucket.
# Sets: TG_WORK, TG_PG_PORT, TG_REDIS_PORT, TG_SMTP_PORT, TG_SMTP_DIR, TG_PGBIN, TG_CHROMIUM,
#       TG_S3_ENDPOINT, TG_S3_BUCKET, TG_S3_ACCESS_KEY, TG_S3_SECRET_KEY.

TG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TG_SUDO=""
if [ "$(id -u)" -ne 0 ]; then TG_SUDO="sudo"; fi
TG_PIDS=()

tg_log() { printf '\n==> %s\n' "$*"; }

tg_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# apt-installs what is missing (only then: a warm machine pays nothing).
tg_install_missing() {
  local missing=()
  { [ -n "$(tg_pg_bin)" ] && [ -x "$(tg_pg_bin)/initdb" ]; } || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
  # The S3 server of the object-storage tests: MinIO is not packaged by Debian; Ceph's RADOS Gateway is, and is a real one.
  command -v radosgw >/dev/null 2>&1 || missing+=(radosgw ceph-mon ceph-osd)
  # The reverse proxy of docker-compose.yml, run by the scale-out tests with the same configuration in front of two instances.
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  # OCR for photographed and scanned documents (document recognition); tesseract-ocr-eng is its English model.
  command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr tesseract-ocr-eng)
  if [ ${#missing[@]} -gt 0 ]; then
    tg_log "Installing with apt: ${missing[*]}"
    # No package may start its service while it installs (nginx would take port 80, Ceph would look for systemd): the
    # tests start their own servers on free ports.
    local policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' | $TG_SUDO tee /usr/sbin/policy-rc.d >/dev/null && $TG_SUDO chmod +x /usr/sbin/policy-rc.d && policy=1
    fi
    $TG_SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $TG_SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
    [ -z "$policy" ] || $TG_SUDO rm -f /usr/sbin/policy-rc.d
  fi
  TG_PGBIN="$(tg_pg_bin)"
  TG_CHROMIUM="$(command -v chromium || true)"
}

tg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

tg_workdir() {
  TG_WORK="$(mktemp -d /tmp/taxgenius.XXXXXX)"
  chmod 755 "$TG_WORK"
}

# tg_start_postgres [extra -c settings...]
tg_start_postgres() {
  TG_PG_PORT="$(tg_free_port)"
  local data="$TG_WORK/pg"
  tg_log "Starting PostgreSQL on 127.0.0.1:$TG_PG_PORT"
  mkdir -p "$data" && chown postgres:postgres "$data" && chmod 700 "$data"
  runuser -u postgres -- "$TG_PGBIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >"$TG_WORK/initdb.log" 2>&1 \
    || { cat "$TG_WORK/initdb.log"; return 1; }
  # pg_ctl gets -l: without a log file postgres keeps the caller's stdout open.
  runuser -u postgres -- "$TG_PGBIN/pg_ctl" -D "$data" -l "$data/log" -w \
    -o "-k $data -h 127.0.0.1 -p $TG_PG_PORT -c max_connections=300 $*" start >/dev/null
}

tg_start_redis() {
  TG_REDIS_PORT="$(tg_free_port)"
  tg_log "Starting Redis on 127.0.0.1:$TG_REDIS_PORT"
  redis-server --port "$TG_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$TG_WORK/redis.pid" --logfile "$TG_WORK/redis.log" --dir "$TG_WORK"
  for _ in $(seq 1 50); do redis-cli -p "$TG_REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "Redis did not start"; return 1
}

tg_start_smtp() {
  TG_SMTP_PORT="$(tg_free_port)"
  TG_SMTP_DIR="$TG_WORK/smtp"
  mkdir -p "$TG_SMTP_DIR"
  tg_log "Starting an SMTP server (aiosmtpd) on 127.0.0.1:$TG_SMTP_PORT"
  /usr/bin/python3 "$TG_ROOT/scripts/smtp-sink.py" --port "$TG_SMTP_PORT" --dir "$TG_SMTP_DIR" >"$TG_WORK/smtp.log" 2>&1 &
  TG_PIDS+=($!)
  for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$TG_SMTP_PORT") 2>/dev/null && return 0; sleep 0.1; done
  echo "The SMTP server did not start"; cat "$TG_WORK/smtp.log"; return 1
}

# A throwaway Ceph cluster on loopback: one monitor, one OSD keeping objects in memory (1 GiB), and the RADOS Gateway
# (radosgw, Ceph's S3 server) on a free port; then an S3 user and the bucket. Ready in about 15 s.
# Should a start fail anyway (tg_start_osd retries the OSD itself), a fresh cluster (new folder, ports,
# fsid) then starts. Up to three attempts, each cleaned away before the next.
tg_start_s3() {
  local attempt
  for attempt in 1 2 3; do
    tg_start_s3_once "$attempt" && return 0
    tg_log "The S3 server did not start (attempt $attempt of 3)"
    tg_stop_s3 || true
  done
  return 1
}

tg_start_s3_once() {
  local dir="$TG_WORK/ceph-$1" mon_port fsid osd_uuid conf
  TG_S3_PORT="$(tg_free_port)"; mon_port="$(tg_free_port)"
  TG_S3_ENDPOINT="http://127.0.0.1:$TG_S3_PORT"
  TG_S3_BUCKET="taxgenius-test"
  TG_S3_ACCESS_KEY="taxgenius-test-$RANDOM$RANDOM"
  TG_S3_SECRET_KEY="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  tg_log "Starting an S3 server (Ceph RADOS Gateway) on $TG_S3_ENDPOINT"
  mkdir -p "$dir/mon" "$dir/osd" "$dir/run"
  fsid="$(cat /proc/sys/kernel/random/uuid)"; conf="$dir/ceph.conf"
  cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
public addr = 127.0.0.1
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = ${TG_S3_MEMSTORE_BYTES:-1073741824}
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/\$name.log
pid file = $dir/run/\$name.pid
keyring = $dir/keyring
[mon.a]
mon data = $dir/mon
[osd.0]
osd data = $dir/osd
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$TG_S3_PORT
rgw dns name = localhost
rgw thread pool size = 64
EOF
  TG_CEPH_DIR="$dir"
  {
    ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' &&
    monmaptool --create --addv a "[v1:127.0.0.1:$mon_port]" --fsid "$fsid" "$dir/monmap" &&
    ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring" &&
    ceph-mon -c "$conf" -i a &&
    osd_uuid="$(cat /proc/sys/kernel/random/uuid)" &&
    ceph -c "$conf" osd new "$osd_uuid" &&
    ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" &&
    tg_start_osd "$conf" &&
    radosgw -c "$conf" -n client.rgw
  } >"$dir/start.log" 2>&1 || { cat "$dir/start.log"; return 1; }
  local ok=""
  for _ in $(seq 1 120); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$TG_S3_ENDPOINT/" || true)" = "200" ] && { ok=1; break; }
    sleep 0.5
  done
  [ -n "$ok" ] || { echo "The S3 server did not answer within 60 s"; tail -20 "$dir"/*.log; return 1; }
  radosgw-admin -c "$conf" user create --uid=taxgenius --display-name=TaxGenius \
    --access-key="$TG_S3_ACCESS_KEY" --secret-key="$TG_S3_SECRET_KEY" >/dev/null
  tg_s3_create_bucket "$TG_S3_BUCKET"
}

# The OSD's start now and then dies at once: its first command reaches the monitor before it has the monitor map, with a zero
# fsid, and the monitor refuses it ("mon_cmd_maybe_osd_create fail: 'wrong fsid'", then an abort). The store made by --mkfs is
# intact, so starting the OSD again is enough (seen about once in ten starts; three whole-cluster attempts in a row failed once).
tg_start_osd() {
  local n
  for n in 1 2 3 4 5; do
    ceph-osd -c "$1" -i 0 && return 0
    echo "ceph-osd stopped while starting (attempt $n of 5)"
    sleep 1
  done
  return 1
}

# tg_s3_create_bucket NAME: a signed (SigV4) PUT on the started server.
tg_s3_create_bucket() {
  local code
  code="$(curl -s --max-time 120 -o "$TG_WORK/bucket.log" -w '%{http_code}' -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$TG_S3_ACCESS_KEY:$TG_S3_SECRET_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$TG_S3_ENDPOINT/$1")"
  [ "$code" = "200" ] || { echo "Creating bucket $1 answered $code"; cat "$TG_WORK/bucket.log"; return 1; }
}

tg_stop_s3() {
  [ -n "${TG_CEPH_DIR:-}" ] || return 0
  local n f p
  for n in client.rgw osd.0 mon.a; do f="$TG_CEPH_DIR/run/$n.pid"; [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  for n in client.rgw osd.0 mon.a; do
    f="$TG_CEPH_DIR/run/$n.pid"; [ -f "$f" ] || continue; p="$(cat "$f")"
    for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  TG_CEPH_DIR=""
}

tg_cleanup() {
  set +e
  tg_stop_s3
  for pid in "${TG_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  if [ -n "${TG_WORK:-}" ] && [ -f "$TG_WORK/pg/postmaster.pid" ]; then
    runuser -u postgres -- "$TG_PGBIN/pg_ctl" -D "$TG_WORK/pg" -m immediate -w stop >/dev/null 2>&1
  fi
  [ -n "${TG_REDIS_PORT:-}" ] && redis-cli -p "$TG_REDIS_PORT" shutdown nosave >/dev/null 2>&1
  [ -n "${TG_WORK:-}" ] && rm -rf "$TG_WORK"
}
