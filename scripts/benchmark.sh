#!/usr/bin/env bash
# Prints build, size and boot figures for both arches on this machine. Not a test: figures, no thresholds.
#   scripts/benchmark.sh             clean build (split by step), no-op rebuild, fs-only change, fresh clone with a
#                                    warm build cache, plugin overhead over raw make (x86_64 kernel, twice), sizes, boot
#   scripts/benchmark.sh --parallel  also a clean build with -Dpuipui.parallelArches, compared with the serial one
#   scripts/benchmark.sh --sizes     only the sizes of the current build
# Runs offline (mvn -o): build once online first. The clean build starts from an empty puipui-distro/target and
# bypasses the build cache; the source and toolchain caches in ~/.cache/puipui stay warm.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
target=puipui-distro/target
work=$(mktemp -d)
log=$work/mvn.log
trap 'rm -rf "$work"' EXIT
mvn_q() { mvn -B -ntp -o "$@" > "$log" 2>&1 || { tail -40 "$log"; exit 1; }; }
secs() { local s=$(date +%s.%N); "$@"; echo "$(date +%s.%N) - $s" | bc; }
artifacts() { (cd "$1" && sha256sum puipui/*/out/Image.gz puipui/*/out/bzImage puipui/*/out/initramfs.cpio.gz \
  puipui-distro-*-*.tar.gz 2>/dev/null | sort -k2); }
steps() {
  grep -E '(kernel: .* in [0-9]+ s|toolchain: musl sysroot ready|: done in [0-9]+ s|initramfs: .* in )' "$1" \
    | sed -E 's/^\[INFO\] (\[INFO\] )?/  /; s/ \(log: [^)]*\)//; s|, /[^,]*/initramfs.cpio.gz||'
}

if [[ "${1:-}" != --sizes ]]; then
  rm -rf "$target"
  t=$(secs mvn_q package -Dpuipui.buildCache=false)
  printf 'clean build, both arches (warm source and toolchain caches, no build cache): %6.1f s\n' "$t"
  steps "$log"
  artifacts "$target" > "$work/serial.sha256"

  t=$(secs mvn_q package)
  printf 'no-op rebuild: %6.1f s (this run also fills the build cache)\n' "$t"
  printf '  skipped: %s\n' "$(grep -cE 'up to date' "$log") steps up to date"
  touch fs/etc/issue
  t=$(secs mvn_q package)
  printf 'fs-only change rebuild: %6.1f s\n' "$t"

  git clone -q "$top" "$work/clone"
  cp -r kconfig busybox_config fs "$work/clone/" # the work tree's configuration, committed or not
  t=$(cd "$work/clone" && secs mvn_q package)
  printf 'fresh clone, warm build cache: %6.1f s (%s restored from the build cache)\n' "$t" \
    "$(grep -c 'restored from the build cache' "$log")"
  if diff <(artifacts "$work/clone/$target") "$work/serial.sha256" > /dev/null; then
    echo '  artifacts identical to the clean build'
  else
    echo '  artifacts DIFFER from the clean build:'; diff <(artifacts "$work/clone/$target") "$work/serial.sha256" || true
  fi
  rm -rf "$work/clone"

  # the plugin's kernel goal (Maven start, source check, olddefconfig, guard, make) against the same make run by
  # hand on the same tree and config, back to back, twice
  src=$(ls -d "$target"/puipui/src/linux-*/linux-* | head -1)
  obj=$work/raw-x86_64
  raw() {
    rm -rf "$obj" && mkdir -p "$obj" && cp kconfig/x86_64.config "$obj/.config"
    env KBUILD_BUILD_USER=puipui KBUILD_BUILD_HOST=puipui KBUILD_BUILD_VERSION=1 LC_ALL=C \
      make -s -C "$src" O="$obj" ARCH=x86_64 olddefconfig > /dev/null
    env KBUILD_BUILD_USER=puipui KBUILD_BUILD_HOST=puipui KBUILD_BUILD_VERSION=1 LC_ALL=C \
      make -s -C "$src" O="$obj" ARCH=x86_64 -j"$(nproc)" bzImage > "$work/raw.log" 2>&1
  }
  plugin() {
    rm -rf "$target"/puipui/x86_64/linux "$target"/puipui/x86_64/kernel.out*
    mvn_q -f puipui-distro puipui:kernel -Parch-x86_64 -Dpuipui.buildCache=false
  }
  for round in 1 2; do
    t_plugin=$(secs plugin)
    t_raw=$(secs raw)
    printf 'x86_64 kernel, round %d: mvn puipui:kernel %.0f s, raw make %.0f s: overhead %+.1f %%\n' "$round" \
      "$t_plugin" "$t_raw" "$(echo "($t_plugin - $t_raw) * 100 / $t_raw" | bc -l)"
  done
  rm -rf "$obj"

  if [[ "${1:-}" == --parallel ]]; then
    rm -rf "$target"
    t=$(secs mvn_q package -Dpuipui.buildCache=false -Dpuipui.parallelArches=true)
    printf 'clean build, both arches in parallel: %6.1f s\n' "$t"
    if diff <(artifacts "$target") "$work/serial.sha256" > /dev/null; then
      echo '  artifacts identical to the serial build'
    else
      echo '  artifacts DIFFER from the serial build:'; diff <(artifacts "$target") "$work/serial.sha256" || true
    fi
  fi
fi

echo "sizes:"
for arch in aarch64 x86_64; do
  out=$target/puipui/$arch/out
  [[ -d $out ]] || continue
  for f in "$out"/Image.gz "$out"/bzImage "$out"/initramfs.cpio.gz "$target"/puipui-distro-*-"$arch".tar.gz; do
    [[ -f $f ]] && printf '  %-8s %-40s %10d bytes\n' "$arch" "$(basename "$f")" "$(stat -c %s "$f")"
  done
  for f in bin/busybox usr/sbin/dropbear usr/bin/socat usr/bin/curl; do
    printf '  %-8s %-40s %10d bytes\n' "$arch" "/$f" "$(stat -c %s "$target/puipui/$arch/userland/$f")"
  done
  # the Java cpio writer against find | cpio -o -H newc | gzip -9 on the same tree
  tree=$(mktemp -d)
  (cd "$tree" && gzip -dc "$top/$out/initramfs.cpio.gz" | cpio -idm --quiet --no-absolute-filenames 2>/dev/null || true)
  s=$(date +%s.%N)
  (cd "$tree" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9 -n > "$tree.cpio.gz")
  shell_t=$(echo "$(date +%s.%N) - $s" | bc)
  java_t=$(grep -oE "$arch initramfs: .* in [0-9.]+ s" "$log" 2>/dev/null | grep -oE '[0-9.]+ s$' | tr -d ' s' || true)
  printf '  %-8s cpio writer %d bytes vs find|cpio|gzip -9 %d bytes (ratio %.4f); time %s s vs %.2f s\n' "$arch" \
    "$(stat -c %s "$out/initramfs.cpio.gz")" "$(stat -c %s "$tree.cpio.gz")" \
    "$(echo "$(stat -c %s "$out/initramfs.cpio.gz") / $(stat -c %s "$tree.cpio.gz")" | bc -l)" "${java_t:-?}" "$shell_t"
  rm -rf "$tree" "$tree.cpio.gz"
done
for arch in aarch64 x86_64; do
  f=$target/boot/$arch/ssh-ready.txt
  [[ -f $f ]] && printf 'ssh-ready %s (QEMU TCG, from the last mvn verify): %s s\n' "$arch" "$(cat "$f")"
done
exit 0
