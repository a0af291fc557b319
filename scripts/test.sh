#!/usr/bin/env bash
# Runs every test of FlagDashboard on a fresh Debian machine with the .NET 10 SDK, Node and npm.
# Installs what the tests need and is missing (Debian's chromium for Playwright), builds, runs the tests,
# and ends with one line: "N passed, N failed, N skipped". The exit code is the test run's.
set -uo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

updated=
install() {
  [ -n "$updated" ] || { as_root apt-get update -qq && updated=1; }
  echo "Installing $* from Debian's packages..."
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

[ -x /usr/bin/chromium ] || install chromium || exit 1
# podman, runc and mmdebstrap build and run the container image (Docker's engine cannot run on these machines).
# Without them the container checks are skipped and counted as skipped, so a failed install does not stop the run.
container_tools=()
for tool in podman runc mmdebstrap; do command -v "$tool" >/dev/null || container_tools+=("$tool"); done
if [ ${#container_tools[@]} -gt 0 ]; then
  install "${container_tools[@]}" || echo "Could not install ${container_tools[*]}: the container checks will be skipped."
fi

log=$(mktemp)
rm -f TestResults/container-report.txt
dotnet test FlagDashboard.sln 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

total=$(grep -E '^\s+total:' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
failed=$(grep -E '^\s+failed:' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
passed=$(grep -E '^\s+succeeded:' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
skipped=$(grep -E '^\s+skipped:' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
rm -f "$log"
if [ -f TestResults/container-report.txt ]; then
  echo "Container image checks:"
  sed 's/^/  /' TestResults/container-report.txt
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or the runner failed before counting: say so rather than print a green-looking line.
  failed=1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
