#!/usr/bin/env bash
# Scale-out figures, on this machine:
# 1. change-to-visible latency across instances: two app instances on one PostgreSQL database, CHANGES flag
#    changes, each timed until instance B's GET /api/v1/flags/ and real-time stream show it (p50, p99);
#    this is the scale-out test AFlagChangeReaches... run with more changes.
# 2. GET /api/v1/flags/ throughput of one instance on PostgreSQL next to the same on SQLite, with wrk.
# Needs Debian's postgresql (initdb, pg_ctl) and wrk; starts and stops its own PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
CHANGES=${CHANGES:-100}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
APP_PORT=${APP_PORT:-5191}

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
bin=
for candidate in /usr/lib/postgresql/*/bin /usr/local/bin; do [ -z "$bin" ] && [ -x "$candidate/initdb" ] && bin=$candidate; done
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)"; exit 1; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/pg/PG_VERSION" ] && as_postgres "$bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== change-to-visible latency, two instances on PostgreSQL, $CHANGES changes"
dotnet build -v quiet -nologo FlagDashboard.Tests/FlagDashboard.Tests.csproj >/dev/null
FLAGDASHBOARD_CHANGES=$CHANGES FLAGDASHBOARD_CHANGE_LATENCY_REPORT="$work/latency.txt" \
  dotnet test --project FlagDashboard.Tests/FlagDashboard.Tests.csproj --no-build -- \
  --filter-method 'FlagDashboard.Tests.ScaleOut.TwoInstancesTests.AFlagChangeReachesTheOtherInstancesSdkAnswersAndStream' >"$work/test.log" 2>&1 \
  || { cat "$work/test.log"; exit 1; }
cat "$work/latency.txt"

echo "== GET /api/v1/flags/ on one instance: wrk -t2 -c$CONNECTIONS -d${DURATION}s, loopback, $(nproc) cores"
dotnet build -c Release -v quiet -nologo FlagDashboard/FlagDashboard.csproj >/dev/null
app=$PWD/FlagDashboard/bin/Release/net10.0/FlagDashboard.dll
document=$PWD/FlagDashboard.Tests/Import/Samples/environment-document.json
key=B62qaMZNwfiqT76P38ZKiT

mkdir -p "$work/pg" && chown postgres "$work/pg" 2>/dev/null || true
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_postgres "$bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
as_postgres "$bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $work/pg" -w start >/dev/null
psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc 'CREATE DATABASE bench' >/dev/null

measure() { # label; the app's settings are in the environment
  dotnet "$app" import --organisation Bench --project Bench "$document" >/dev/null
  (cd FlagDashboard && exec dotnet "$app" --urls "http://127.0.0.1:$APP_PORT") >"$work/app.log" 2>&1 &
  local pid=$!
  pids+=($pid)
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$APP_PORT/health" >/dev/null && break; sleep 0.2; done
  wrk -t1 -c4 -d2s -H "X-Environment-Key: $key" "http://127.0.0.1:$APP_PORT/api/v1/flags/" >/dev/null # warm-up
  local out; out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "X-Environment-Key: $key" "http://127.0.0.1:$APP_PORT/api/v1/flags/")
  printf '%-12s %12s req/s   p50 %-9s p99 %s\n' "$1" "$(awk '/Requests\/sec/{print $2}' <<<"$out")" \
    "$(awk '$1=="50%"{print $2}' <<<"$out")" "$(awk '$1=="99%"{print $2}' <<<"$out")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

export Logging__LogLevel__Default=Warning Database__DataDirectory="$work/sqlite"
measure SQLite
Database__Provider=Postgres ConnectionStrings__FlagDashboard="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=bench" measure PostgreSQL
