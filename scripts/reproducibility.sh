#!/usr/bin/env bash
# Builds the current commit twice, in two clones at different paths, each with its own empty puipui cache (no
# shared build cache, toolchain or extracted sources; the source archives come from the local mirror), the second
# with both arches in parallel, and compares the sha256 of every artifact. Exit status 1 if anything differs.
#   scripts/reproducibility.sh [MIRROR_DIR]   (default ~/.cache/puipui/mirror, see scripts/seed-debian-sources.sh)
# Takes two clean builds (about 20 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
mirror=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/puipui/mirror}
work=$(mktemp -d /tmp/puipui-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT
sums() { (cd "$1/puipui-distro/target" && sha256sum puipui/*/out/Image.gz puipui/*/out/Image puipui/*/out/bzImage \
  puipui/*/out/vmlinux puipui/*/out/initramfs.cpio.gz puipui-distro-*-*.tar.gz puipui-distro-*-cyclonedx.json | sort -k2); }
commit=$(git rev-parse HEAD)
build() {
  local dir=$1; shift
  git clone -q "$PWD" "$dir" && git -C "$dir" checkout -q "$commit"
  local s=$(date +%s)
  (cd "$dir" && mvn -B -ntp -o package -Dpuipui.cache="$dir/cache" -Dpuipui.mirrors="$mirror" "$@" \
    > "$dir.log" 2>&1) || { tail -40 "$dir.log"; exit 1; }
  echo "built $dir in $(( $(date +%s) - s )) s"
}
build "$work/one"
build "$work/second-clone" -Dpuipui.parallelArches=true
echo "commit $commit"
sums "$work/one" > "$work/one.sha256"
sums "$work/second-clone" > "$work/two.sha256"
cat "$work/one.sha256"
if diff "$work/one.sha256" "$work/two.sha256"; then
  echo "reproducible: every artifact identical"
else
  echo "NOT reproducible: the artifacts above differ"
  exit 1
fi
