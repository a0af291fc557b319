#!/usr/bin/env bash
# Runs every test of FlagDashboard on a fresh Debian machine with the .NET 10 SDK, Node and npm.
# Installs what the tests need and is missing (Debian's chromium for Playwright, Debian's postgresql for the
# PostgreSQL and scale-out tests, which start their own throw-away server), builds, runs the tests, then
# runs the Core service tests a second time against PostgreSQL, and ends with one line:
# "N passed, N failed, N skipped" (both runs added up). The exit code is non-zero if either run failed.
set -uo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The tests look for initdb and pg_ctl where Debian's package puts them (or in /usr/local/bin).
has_initdb=no
for candidate in /usr/lib/postgresql/*/bin/initdb /usr/local/bin/initdb; do [ -x "$candidate" ] && has_initdb=yes; done
[ "$has_initdb" = yes ] || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian's packages..."
  if as_root apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    : # The tests start a PostgreSQL server of their own (initdb in a temporary folder, a free port).
  else
    echo "Could not install ${missing[*]}: the tests that need them are skipped and say why."
  fi
fi

passed=0 failed=0 skipped=0 status=0
run() { # label, dotnet test arguments...
  local label=$1; shift
  local log; log=$(mktemp)
  echo "== $label"
  "$@" 2>&1 | tee "$log"
  local code=${PIPESTATUS[0]}
  local f p s
  f=$(grep -E '^\s+failed:' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  p=$(grep -E '^\s+succeeded:' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  s=$(grep -E '^\s+skipped:' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  rm -f "$log"
  if [ "$code" -ne 0 ] && [ "$f" -eq 0 ]; then
    # The build or the runner failed before counting: say so rather than print a green-looking line.
    f=1
  fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  [ "$code" -eq 0 ] || status=$code
}

run "All tests (SQLite, plus the scale-out tests on PostgreSQL)" dotnet test FlagDashboard.sln
# The same Core service tests again, each on a fresh PostgreSQL database instead of a SQLite file.
core_namespaces=(Organisations Projects Environments Flags Segments Identities Audit ApiKeys Import Usage Data)
filters=()
for namespace in "${core_namespaces[@]}"; do filters+=(--filter-namespace "FlagDashboard.Tests.$namespace"); done
FLAGDASHBOARD_TEST_DATABASE=Postgres run "Core service tests on PostgreSQL" \
  dotnet test --project FlagDashboard.Tests/FlagDashboard.Tests.csproj --no-build -- "${filters[@]}"

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
