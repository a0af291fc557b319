#!/usr/bin/env bash
# Builds the FlagDashboard image from the repository's own Dockerfile with podman, as the container tests need it.
# Docker's engine cannot run on these machines and no image registry is reachable, so:
#   - the runtime base is a stand-in for the official runtime-deps image, made from Debian's packages with
#     mmdebstrap (kept as localhost/flagdashboard-runtime-deps:bookworm so that a second run is fast);
#   - the app is published on the machine and handed to the Dockerfile's `build` stage as a build context,
#     so the Dockerfile tested is the one users build, with only its base image ARG changed.
# Last line of output: "image <id>" on success, or "skip <reason>" when podman cannot run here.
# Exit code 0 for both; anything else is a failure of the build itself.
set -euo pipefail
cd "$(dirname "$0")/.."

work="${CONTAINER_WORK:-${TMPDIR:-/tmp}/flagdashboard-container}"
base=localhost/flagdashboard-runtime-deps:bookworm
mkdir -p "$work"

skip() { echo "skip $*"; exit 0; }

for tool in podman runc mmdebstrap; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (apt-get install podman runc mmdebstrap)"
done

# podman's default ulimits and cgroup manager cannot work in this sandbox.
printf '[containers]\ndefault_ulimits = []\n' > "$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
podman=(podman --runtime runc --cgroup-manager cgroupfs)
"${podman[@]}" info >"$work/podman-info.log" 2>&1 || skip "podman cannot run here: $(tail -1 "$work/podman-info.log")"

if ! "${podman[@]}" image exists "$base"; then
  echo "Making $base from Debian's packages..." >&2
  mmdebstrap --variant=apt --include=libicu72,libssl3,ca-certificates,tzdata bookworm "$work/base.tar" \
    /etc/apt/sources.list.d/debian.sources >"$work/mmdebstrap.log" 2>&1 \
    || skip "mmdebstrap could not make a Debian base: $(tail -1 "$work/mmdebstrap.log")"
  "${podman[@]}" import "$work/base.tar" "$base" >/dev/null
  rm -f "$work/base.tar"
fi

echo "Publishing the app for the image's build stage..." >&2
rm -rf "$work/build"
dotnet publish FlagDashboard/FlagDashboard.csproj -c Release -r linux-x64 --self-contained -o "$work/build/app" >"$work/publish.log" 2>&1 \
  || { tail -20 "$work/publish.log" >&2; exit 1; }

echo "Building the image..." >&2
rm -f "$work/iid"
"${podman[@]}" build --format docker --ulimit nofile=20000:20000 --network=host \
  --build-context build="$work/build" --build-arg RUNTIME_IMAGE="$base" \
  --iidfile "$work/iid" -f Dockerfile . >"$work/build.log" 2>&1 \
  || { tail -20 "$work/build.log" >&2; exit 1; }
echo "image $(cat "$work/iid")"
