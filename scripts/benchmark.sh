#!/usr/bin/env bash
# Prints build, size and boot figures for both arches on this machine. Not a test: figures, no thresholds.
#   scripts/benchmark.sh          clean build, no-op rebuild, fs-only rebuild, sizes, boot, cpio writer ratio
#   scripts/benchmark.sh --sizes  only the sizes of the current build
# The clean build removes puipui-distro/target (the source and toolchain caches in ~/.cache/puipui stay warm).
set -euo pipefail
cd "$(dirname "$0")/.."
target=puipui-distro/target
mvn_q() { mvn -B -ntp -o "$@" > "$log" 2>&1 || { tail -40 "$log"; exit 1; }; }
secs() { local s=$(date +%s.%N); "$@"; echo "$(date +%s.%N) - $s" | bc; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [[ "${1:-}" != --sizes ]]; then
  rm -rf "$target"
  t=$(secs mvn_q package)
  printf 'clean build, both arches (warm source cache): %6.1f s\n' "$t"
  grep -E '(kernel: .* in [0-9]+ s|toolchain: musl sysroot ready|: done in [0-9]+ s|initramfs: .* in )' "$log" \
    | sed -E 's/^\[INFO\] \[INFO\] /  /; s/\(log: [^)]*\)//'
  t=$(secs mvn_q package)
  printf 'no-op rebuild: %6.1f s\n' "$t"
  touch fs/etc/issue
  t=$(secs mvn_q package)
  printf 'fs-only change rebuild: %6.1f s\n' "$t"
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
  (cd "$tree" && gzip -dc "$OLDPWD/$out/initramfs.cpio.gz" | cpio -idm --quiet --no-absolute-filenames 2>/dev/null || true)
  s=$(date +%s.%N)
  (cd "$tree" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9 -n > "$tree.cpio.gz")
  shell_t=$(echo "$(date +%s.%N) - $s" | bc)
  java_t=$(grep -oE "$arch initramfs: .* in [0-9.]+ s" "$log" 2>/dev/null | grep -oE '[0-9.]+ s$' | tr -d ' s' || true)
  printf '  %-8s cpio writer %d bytes vs find|cpio|gzip -9 %d bytes (ratio %.3f); time %s s vs %.2f s\n' "$arch" \
    "$(stat -c %s "$out/initramfs.cpio.gz")" "$(stat -c %s "$tree.cpio.gz")" \
    "$(echo "$(stat -c %s "$out/initramfs.cpio.gz") / $(stat -c %s "$tree.cpio.gz")" | bc -l)" "${java_t:-?}" "$shell_t"
  rm -rf "$tree" "$tree.cpio.gz"
done
for arch in aarch64 x86_64; do
  f=$target/boot/$arch/ssh-ready.txt
  [[ -f $f ]] && printf 'ssh-ready %s (QEMU TCG, from the last mvn verify): %s s\n' "$arch" "$(cat "$f")"
done
