#!/usr/bin/env bash
# Measures the SDK API with wrk on loopback, next to a baseline measured in the same run with the same wrk
# line: bare Kestrel returning the same bytes as GET /api/v1/flags/. Seeds 20 features (by importing a
# generated Flagsmith document), then prints requests per second and latency percentiles for
# GET flags/ (200 and 304) and POST identities/ with 5 traits for new and for returning identities, side by
# side, with the server GC and with the workstation GC. Bounded: DURATION seconds per run.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
APP_PORT=${APP_PORT:-5181}
BASE_PORT=${BASE_PORT:-5182}

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
mib() { # pid, field of /proc/PID/status (VmRSS: resident now, VmHWM: peak resident)
  awk -v f="$2:" '$1==f { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

dotnet build -c Release -v quiet -nologo FlagDashboard/FlagDashboard.csproj >/dev/null
dotnet build -c Release -v quiet -nologo FlagDashboard.Benchmarks/FlagDashboard.Benchmarks.csproj >/dev/null
app=FlagDashboard/bin/Release/net10.0/FlagDashboard.dll
baseline=FlagDashboard.Benchmarks/bin/Release/net10.0/FlagDashboard.Benchmarks.dll

# 20 features of mixed types, two of them multivariate, in a Flagsmith environment document.
node -e '
const states = Array.from({ length: 20 }, (_, i) => ({
  feature: { id: i + 1, name: `feature_${i + 1}`, type: i < 2 ? "MULTIVARIATE" : "STANDARD" },
  enabled: i % 3 !== 0, django_id: 1000 + i, featurestate_uuid: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  feature_state_value: [`value ${i}`, i * 10, i + 0.5, i % 2 === 0][i % 4], feature_segment: null,
  multivariate_feature_state_values: i < 2 ? [
    { id: 5000 + 2 * i, percentage_allocation: 30, multivariate_feature_option: { id: 7000 + 2 * i, value: "a" } },
    { id: 5001 + 2 * i, percentage_allocation: 30, multivariate_feature_option: { id: 7001 + 2 * i, value: "b" } }] : [] }));
const document = { id: 1, api_key: "BenchClientKey00000000", name: "Bench", feature_states: states,
  project: { id: 1, name: "Bench", hide_disabled_flags: false,
    organisation: { id: 1, name: "Bench", feature_analytics: false, stop_serving_flags: false, persist_trait_data: true },
    segments: [{ id: 1, name: "pro", rules: [{ type: "ALL", rules: [], conditions: [{ operator: "EQUAL", property_: "plan", value: "pro" }] }],
      feature_states: [{ ...states[5], django_id: 9000, featurestate_uuid: "00000000-0000-4000-8000-999999999999", feature_segment: { priority: 0 }, enabled: true }] }] },
  identity_overrides: [] };
require("fs").writeFileSync(process.argv[1], JSON.stringify(document));' "$work/document.json"

export Database__DataDirectory="$work/data" Logging__LogLevel__Default=Warning
dotnet "$app" import --organisation Bench --project Bench "$work/document.json" >/dev/null
(cd FlagDashboard && exec dotnet "../$app" --urls "http://127.0.0.1:$APP_PORT") >"$work/app.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/health" >/dev/null && break; sleep 0.2; done
sleep 1; idle_shipped=$(mib "${pids[0]}" VmRSS) # resident when idle after start

key=BenchClientKey00000000
curl -sf -H "X-Environment-Key: $key" "http://127.0.0.1:$APP_PORT/api/v1/flags/" -o "$work/flags.json"
etag=$(curl -sf -D - -o /dev/null -H "X-Environment-Key: $key" "http://127.0.0.1:$APP_PORT/api/v1/flags/" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
dotnet "$baseline" baseline-server "$work/flags.json" "http://127.0.0.1:$BASE_PORT" >"$work/baseline.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$BASE_PORT/api/v1/flags/" >/dev/null && break; sleep 0.2; done

# Returning identities: 500 identifiers, created by a warm-up pass first, sent again with the same traits.
cat >"$work/identities.lua" <<'LUA'
local counter = 0
request = function()
  counter = (counter + 1) % 500
  local body = string.format('{"identifier":"bench-user-%d","traits":[{"trait_key":"plan","trait_value":"pro"},{"trait_key":"seats","trait_value":%d},{"trait_key":"ratio","trait_value":0.5},{"trait_key":"beta","trait_value":true},{"trait_key":"country","trait_value":"DE"}]}', counter, counter)
  return wrk.format("POST", "/api/v1/identities/", { ["Content-Type"] = "application/json", ["X-Environment-Key"] = "BenchClientKey00000000" }, body)
end
LUA
# New identities: an identifier never sent before on every request (each wrk thread and run has its own prefix).
cat >"$work/new-identities.lua" <<'LUA'
start_time = os.time()
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local counter = 0
request = function()
  local prefix = string.format("new-%d-%d", start_time, id)
  counter = counter + 1
  local body = string.format('{"identifier":"%s-%d","traits":[{"trait_key":"plan","trait_value":"pro"},{"trait_key":"seats","trait_value":%d},{"trait_key":"ratio","trait_value":0.5},{"trait_key":"beta","trait_value":true},{"trait_key":"country","trait_value":"DE"}]}', prefix, counter, counter)
  return wrk.format("POST", "/api/v1/identities/", { ["Content-Type"] = "application/json", ["X-Environment-Key"] = "BenchClientKey00000000" }, body)
end
LUA

run() { # name, wrk arguments...
  local name=$1; shift
  local out; out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  printf '%-34s %12s req/s   p50 %-9s p99 %s\n' "$name" "$rps" "$p50" "$p99"
  echo "$rps" >"$work/$name.rps"
}

echo "wrk -t2 -c$CONNECTIONS -d${DURATION}s --latency, loopback, $(nproc) cores, body $(stat -c %s "$work/flags.json") bytes"
wrk -t1 -c4 -d2s -H "X-Environment-Key: $key" "http://127.0.0.1:$APP_PORT/api/v1/flags/" >/dev/null # warm-up
wrk -t1 -c4 -d2s "http://127.0.0.1:$BASE_PORT/api/v1/flags/" >/dev/null
run baseline "http://127.0.0.1:$BASE_PORT/api/v1/flags/"
run flags-200 -H "X-Environment-Key: $key" "http://127.0.0.1:$APP_PORT/api/v1/flags/"
run flags-304 -H "X-Environment-Key: $key" -H "If-None-Match: $etag" "http://127.0.0.1:$APP_PORT/api/v1/flags/"
identity_runs() { # label (the GC setting), resident MiB when idle: new and returning identities, side by side
  wrk -t2 -c8 -d3s -s "$work/identities.lua" "http://127.0.0.1:$APP_PORT" >/dev/null # creates the returning ones
  run "identities-new-$1" -s "$work/new-identities.lua" "http://127.0.0.1:$APP_PORT"
  run "identities-returning-$1" -s "$work/identities.lua" "http://127.0.0.1:$APP_PORT"
  awk -v n="$(cat "$work/identities-new-$1.rps")" -v r="$(cat "$work/identities-returning-$1.rps")" -v gc="$1" \
    -v idle="$2" -v peak="$(mib "${pids[0]}" VmHWM)" \
    'BEGIN { printf "POST identities/ (5 traits, %s GC): new %.0f/s | returning %.0f/s | resident %s MiB idle, %s MiB peak under load\n", gc, n, r, idle, peak }'
}
# The settings the app ships with, read from its runtimeconfig (what FlagDashboard.csproj chose).
shipped_gc=$(node -e '
const o = require(process.argv[1]).runtimeOptions.configProperties || {};
const parts = [o["System.GC.Server"] ? "server" : "workstation", o["System.GC.Concurrent"] === false ? "non-concurrent" : "concurrent"];
if (o["System.GC.ConserveMemory"]) parts.push(`conserve ${o["System.GC.ConserveMemory"]}`);
console.log(parts.join(" "));' "$PWD/${app%.dll}.runtimeconfig.json")
identity_runs "$shipped_gc" "$idle_shipped"
awk -v a="$(cat "$work/flags-200.rps")" -v b="$(cat "$work/baseline.rps")" 'BEGIN { printf "GET flags/ at %.1f %% of the baseline\n", 100 * a / b }'

# The same app with usage recording switched off, for the cost of recording on the hot path.
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
(cd FlagDashboard && Usage__Enabled=false exec dotnet "../$app" --urls "http://127.0.0.1:$APP_PORT") >"$work/app-off.log" 2>&1 &
pids[0]=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/health" >/dev/null && break; sleep 0.2; done
wrk -t1 -c4 -d2s -H "X-Environment-Key: $key" "http://127.0.0.1:$APP_PORT/api/v1/flags/" >/dev/null
run flags-200-recording-off -H "X-Environment-Key: $key" "http://127.0.0.1:$APP_PORT/api/v1/flags/"
awk -v on="$(cat "$work/flags-200.rps")" -v off="$(cat "$work/flags-200-recording-off.rps")" 'BEGIN { printf "usage recording costs %.1f %% of GET flags/ throughput\n", 100 * (off - on) / off }'

# The identity path and GET flags/ again with the web SDK's default GC (server, concurrent; the environment
# variables override the runtimeconfig), the comparison behind the setting the app ships with.
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
(cd FlagDashboard && DOTNET_gcServer=1 DOTNET_gcConcurrent=1 DOTNET_GCConserveMemory=0 exec dotnet "../$app" --urls "http://127.0.0.1:$APP_PORT") >"$work/app-server.log" 2>&1 &
pids[0]=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APP_PORT/health" >/dev/null && break; sleep 0.2; done
sleep 1; idle=$(mib "${pids[0]}" VmRSS)
wrk -t1 -c4 -d2s -H "X-Environment-Key: $key" "http://127.0.0.1:$APP_PORT/api/v1/flags/" >/dev/null
run flags-200-server-gc -H "X-Environment-Key: $key" "http://127.0.0.1:$APP_PORT/api/v1/flags/"
identity_runs "server concurrent" "$idle"
awk -v a="$(cat "$work/flags-200.rps")" -v b="$(cat "$work/flags-200-server-gc.rps")" -v gc="$shipped_gc" \
  'BEGIN { printf "GET flags/ with the %s GC: %+.1f %% against the server GC\n", gc, 100 * (a - b) / b }'
