# Throwaway servers on free loopback ports, shared by scripts/test.sh and scripts/bench/*.sh.
# Source it, call tg_install_missing, tg_workdir, then tg_start_postgres / tg_start_redis / tg_start_smtp;
# tg_cleanup (run from an EXIT trap) stops everything that was started and removes the work folder.
# Sets: TG_WORK, TG_PG_PORT, TG_REDIS_PORT, TG_SMTP_PORT, TG_SMTP_DIR, TG_PGBIN, TG_CHROMIUM.

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
  if [ ${#missing[@]} -gt 0 ]; then
    tg_log "Installing with apt: ${missing[*]}"
    $TG_SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $TG_SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
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

tg_cleanup() {
  set +e
  for pid in "${TG_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  if [ -n "${TG_WORK:-}" ] && [ -f "$TG_WORK/pg/postmaster.pid" ]; then
    runuser -u postgres -- "$TG_PGBIN/pg_ctl" -D "$TG_WORK/pg" -m immediate -w stop >/dev/null 2>&1
  fi
  [ -n "${TG_REDIS_PORT:-}" ] && redis-cli -p "$TG_REDIS_PORT" shutdown nosave >/dev/null 2>&1
  [ -n "${TG_WORK:-}" ] && rm -rf "$TG_WORK"
}
