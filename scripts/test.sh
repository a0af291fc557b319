#!/usr/bin/env bash
# Runs every test of FlagDashboard on a fresh Debian machine with the .NET 10 SDK, Node and npm.
# Installs what the tests need and is missing (Debian's chromium for Playwright, Debian's postgresql for the
# PostgreSQL and scale-out tests, which start their own throw-away server), builds, runs the tests, then
# runs the Core service tests a second time against PostgreSQL, prints the time each phase took, and ends with one line:
# "N passed, N failed, N skipped" (both runs added up). The exit code is non-zero if either run failed.
set -uo pipefail
cd "$(dirname "$0")/.."

# Each phase's wall-clock time, printed at the end, to see where a slow run went (bash's SECONDS counts from the start).
phases=()
phase_started=$SECONDS
end_phase() { phases+=("$(printf '%5d s  %s' $((SECONDS - phase_started)) "$1")"); phase_started=$SECONDS; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

updated=
install() {
  [ -n "$updated" ] || { as_root apt-get update -qq && updated=1; }
  echo "Installing $* from Debian's packages..."
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

[ -x /usr/bin/chromium ] || install chromium || exit 1
# The PostgreSQL tests start a server of their own (initdb in a temporary folder, a free port); they look for
# initdb and pg_ctl where Debian's package puts them (or in /usr/local/bin).
has_initdb=no
for candidate in /usr/lib/postgresql/*/bin/initdb /usr/local/bin/initdb; do [ -x "$candidate" ] && has_initdb=yes; done
if [ "$has_initdb" = no ]; then
  install postgresql || echo "Could not install postgresql: the tests that need it are skipped and say why."
fi
# nginx runs deploy/nginx.conf, the scale-out example's proxy, in front of two instances.
[ -x /usr/sbin/nginx ] || install nginx-light || echo "Could not install nginx: the proxy test is skipped and says why."
# curl and jq run the README's admin API example as a reader would copy it.
readme_tools=()
for tool in curl jq; do command -v "$tool" >/dev/null || readme_tools+=("$tool"); done
if [ ${#readme_tools[@]} -gt 0 ]; then
  install "${readme_tools[@]}" || echo "Could not install ${readme_tools[*]}: the README example test is skipped and says why."
fi
# stress-ng keeps every core busy while the engine's REGEX answers are checked under load (RegexUnderLoadTests).
[ -x /usr/bin/stress-ng ] || install stress-ng || echo "Could not install stress-ng: the REGEX-under-load test is skipped and says why."
# aiosmtpd is the mail server the invitation email is sent to (InvitationEmailTests), under Debian's own python3.
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || install python3-aiosmtpd || echo "Could not install python3-aiosmtpd: the invitation email test is skipped and says why."
# podman, runc and mmdebstrap build and run the container image (Docker's engine cannot run on these machines);
# catatonit is the init of the pause container that `podman kube play` puts in every pod (the Kubernetes check).
# Without them the container checks are skipped and counted as skipped, so a failed install does not stop the run.
container_tools=()
for tool in podman runc mmdebstrap catatonit; do command -v "$tool" >/dev/null || container_tools+=("$tool"); done
if [ ${#container_tools[@]} -gt 0 ]; then
  install "${container_tools[@]}" || echo "Could not install ${container_tools[*]}: the container checks will be skipped."
fi

# axe-core, which the dashboard quality tests inject into every page, from the committed package-lock.json.
if [ ! -f FlagDashboard.Tests/E2E/Accessibility/node_modules/axe-core/axe.min.js ]; then
  echo "Installing axe-core for the dashboard quality tests..."
  (cd FlagDashboard.Tests/E2E/Accessibility && npm ci --no-audit --no-fund --loglevel=error) || echo "Could not install axe-core: the quality tests will try again and fail if they cannot."
fi

# oidc-provider, the local OpenID provider of the single sign-on tests, from the committed package-lock.json.
if [ ! -f FlagDashboard.Tests/SingleSignOn/Provider/node_modules/oidc-provider/package.json ]; then
  echo "Installing oidc-provider for the single sign-on tests..."
  (cd FlagDashboard.Tests/SingleSignOn/Provider && npm ci --no-audit --no-fund --loglevel=error) || echo "Could not install oidc-provider: the single sign-on tests will try again and fail if they cannot."
fi

end_phase "installing what is missing"

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

rm -f TestResults/container-report.txt
echo "== Build"
if ! dotnet build FlagDashboard.sln -v q -nologo; then
  echo "The build failed: no test was run."
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
end_phase "build"
# Each test's time goes to a TRX report, summed per class at the end (the slowest classes are where a long run went).
rm -f TestResults/main.trx
run "All tests (SQLite, plus the scale-out tests on PostgreSQL)" dotnet test FlagDashboard.sln --no-build -- \
  --report-xunit-trx --report-xunit-trx-filename main.trx --results-directory "$PWD/TestResults"
end_phase "all tests"
# The same Core service tests again, each on a fresh PostgreSQL database instead of a SQLite file; the classes that start
# the app as a process (trait Runs=AppProcess) are left out: the app has its own settings, so they would only run again unchanged.
core_namespaces=(Access Organisations Projects Environments Flags Versions ChangeRequests Segments Identities Audit ApiKeys Import Usage Data Webhooks)
filters=()
for namespace in "${core_namespaces[@]}"; do filters+=(--filter-namespace "FlagDashboard.Tests.$namespace"); done
FLAGDASHBOARD_TEST_DATABASE=Postgres run "Core service tests on PostgreSQL" \
  dotnet test --project FlagDashboard.Tests/FlagDashboard.Tests.csproj --no-build -- "${filters[@]}" --filter-not-trait "Runs=AppProcess"
end_phase "Core service tests on PostgreSQL"

if [ -f TestResults/container-report.txt ]; then
  echo "Container image checks:"
  sed 's/^/  /' TestResults/container-report.txt
fi
if [ -f TestResults/main.trx ]; then
  node scripts/slowest-test-classes.mjs TestResults/main.trx 15 || true
fi
echo "Time per phase (${SECONDS} s in all):"
printf '%s\n' "${phases[@]}"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
