# Shared by scripts/bench/circuit-memory.sh and upload.sh (sourced after servers.sh has started PostgreSQL and Redis).
# The app is published, not run from its build output: outside Development an unpublished dll answers 500 for _content/…
# (no static web assets manifest), and production runs the published app.

tg_bench_publish() {
  tg_log "Publishing TaxGenius.Web (Release) and building the benchmark"
  dotnet publish "$ROOT/TaxGenius.Web/TaxGenius.Web.csproj" -c Release -o "$TG_WORK/publish" -nologo -v quiet -clp:ErrorsOnly
  dotnet build "$ROOT/scripts/bench/TaxGenius.Bench/TaxGenius.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
}

# tg_bench_run <benchmark> [args...]: the benchmark starts the published app itself (it needs the server's process id).
tg_bench_run() {
  cd "$TG_WORK"
  TG_BENCH_APP_DIR="$TG_WORK/publish" TG_BENCH_WORK="$TG_WORK" \
  ConnectionStrings__Postgres="Host=127.0.0.1;Port=$TG_PG_PORT;Username=postgres;Database=taxgenius_bench" \
  ConnectionStrings__Redis="127.0.0.1:$TG_REDIS_PORT" \
    dotnet "$ROOT/scripts/bench/TaxGenius.Bench/bin/Release/net10.0/TaxGenius.Bench.dll" "$@"
}
