#!/usr/bin/env bash
# Prints build, size and boot figures for both arches on this machine. Not a test: figures, no thresholds.
#   scripts/benchmark.sh             clean build (split by step), no-op rebuild, fs-only change, fresh clone with a
#                                    warm build cache, plugin overhead over raw make (x86_64 kernel, two rounds), sizes, boot
#   scripts/benchmark.sh --parallel  also a clean build with -Dpuipui.parallelArches, compared with the serial one
#   scripts/benchmark.sh --sizes     only the sizes of the current build
#   scripts/benchmark.sh --overhead  only the plugin overhead over raw make (OVERHEAD_ROUNDS rounds, default 2)
#   scripts/benchmark.sh --reuse     only "build nothing twice": a fresh clone with an empty build cache, both arches,
#                                    without and with a warm remote cache (a real nginx on 127.0.0.1); then an
#                                    overlay-only derived distro from an empty build cache, without the base's
#                                    binaries and with them on a PATH without compilers (REUSE_ARCHES, default
#                                    x86_64), with the bytes each one read. Needs nginx (scripts/install-host-packages.sh)
#   scripts/benchmark.sh --boot [LABEL=DIR…]
#                                    only the boot profile of the current build (BOOT_RUNS rounds, default 5), beside
#                                    the images of each DIR (another build's puipui-distro/target/puipui), then the
#                                    boot guard: fails when a boot form's median is more than 10 % slower than the
#                                    figure scripts/boot-figures.tsv records for this machine, and records one where
#                                    there is none
# Runs offline (mvn -o): build once online first. The clean build starts from an empty puipui-distro/target and
# bypasses the build cache; the source and toolchain caches in ~/.cache/puipui stay warm.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
target=puipui-distro/target
work=$(mktemp -d)
log=$work/mvn.log
nginx_pid=
had_distro_snapshot=$([[ -d ~/.m2/repository/io/github/puipui/puipui-distro ]] && echo yes || true)
cleanup() {
  [[ -f $work/issue ]] && cp -p "$work/issue" fs/etc/issue
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null
  # the derived distro resolved the base into the local repository: take it out again
  [[ -z $had_distro_snapshot ]] && rm -rf ~/.m2/repository/io/github/puipui/puipui-distro
  rm -rf "$work"
}
trap cleanup EXIT
mvn_bin=$(command -v mvn)
# mvn with its output in $log, showing the end of it on failure; MVN_PATH: the PATH it runs with (default this one).
# Online: for a remote cache, or a base in a file: repository, which Maven does not read offline
mvn_on() { PATH=${MVN_PATH:-$PATH} "$mvn_bin" -B -ntp "$@" > "$log" 2>&1 || { tail -40 "$log" >&2; exit 1; }; }
mvn_q() { mvn_on -o "$@"; }
# a clone of this repository with the work tree's configuration, committed or not
clone_work_tree() { git clone -q "$top" "$1" && cp -r kconfig busybox_config fs "$1/"; }
secs() { local s=$(date +%s.%N); "$@"; echo "$(date +%s.%N) - $s" | bc; }
artifacts() { (cd "$1" && sha256sum puipui/*/out/Image.gz puipui/*/out/Image puipui/*/out/bzImage puipui/*/out/vmlinux \
  puipui/*/out/initramfs.cpio.gz puipui-distro-*-*.tar.gz puipui-distro-*-cyclonedx.json 2>/dev/null | sort -k2); }
steps() {
  grep -E '(kernel: .* in [0-9]+ s|toolchain: musl sysroot ready|: done in [0-9]+ s|initramfs: .* in )' "$1" \
    | sed -E 's/^\[INFO\] (\[INFO\] )?/  /; s/ \(log: [^)]*\)//; s|, /[^,]*/initramfs.cpio.gz||'
}

# The plugin's kernel goal (Maven start, source check, olddefconfig, guard, make) against the same two make commands
# run by hand with the same environment, on the same filesystem, from an empty object tree each time. The rounds
# alternate the order (plugin first, then raw first) so that drift in the machine's speed falls on both sides; wall
# time and CPU time (user + sys of everything started) are both reported. Both vary by a few per cent from one make
# to the next on a shared machine, so each round also splits the plugin's own wall time into make (as the process
# runner logs it) and everything else (Maven start, source check, guard, copying the image).
overhead() {
  local src obj round order t_plugin t_raw
  src=$(ls -d "$top/$target"/puipui/src/linux-*/linux-* | head -1)
  obj=$top/$target/puipui/x86_64/raw-linux
  raw() {
    rm -rf "$obj" && mkdir -p "$obj" && cp kconfig/x86_64.config "$obj/.config"
    local e=(env KBUILD_BUILD_USER=puipui KBUILD_BUILD_HOST=puipui KBUILD_BUILD_VERSION=1 LC_ALL=C TZ=UTC)
    "${e[@]}" make -C "$src" O="$obj" ARCH=x86_64 olddefconfig > "$work/raw.log" 2>&1 &&
      "${e[@]}" make -C "$src" O="$obj" ARCH=x86_64 -j"$(nproc)" bzImage >> "$work/raw.log" 2>&1
  }
  plugin() {
    rm -rf "$target"/puipui/x86_64/linux "$target"/puipui/x86_64/kernel.out*
    mvn_q -f puipui-distro puipui:kernel -Parch-x86_64 -Dpuipui.buildCache=false -Dpuipui.jobs="$(nproc)"
  }
  # prints "wall user sys", or "failed" last when the build failed
  measure() { local TIMEFORMAT='%R %U %S'; { time "$@"; } 2>&1 || echo failed; }
  local sum_pw=0 sum_rw=0 sum_pc=0 sum_rc=0 sum_own=0 sum_make=0 t_make
  for round in $(seq 1 "${OVERHEAD_ROUNDS:-2}"); do
    if (( round % 2 )); then order="plugin raw"; else order="raw plugin"; fi
    for what in $order; do
      read -r w u s < <(measure "$what" | tail -1)
      if [[ ! $w =~ ^[0-9.]+$ ]]; then # the logs go with $work: show their end now
        echo "overhead: the $what build failed; last lines of its log:"
        if [[ $what == plugin ]]; then tail -40 "$log"; else tail -40 "$work/raw.log"; fi
        exit 1
      fi
      if [[ $what == plugin ]]; then t_plugin=("$w" "$(echo "$u + $s" | bc)"); else t_raw=("$w" "$(echo "$u + $s" | bc)"); fi
    done
    # the plugin's own time: its wall time less that of the two makes it ran (olddefconfig, bzImage), which the
    # process runner records in the kernel log; unlike the pair, this does not depend on the machine's noise
    t_make=$(grep -oE '^# exit 0 after [0-9.]+ s' "$target"/puipui/x86_64/logs/kernel.log | tail -2 \
      | awk '{t += $5} END {print t}')
    sum_own=$(echo "$sum_own + ${t_plugin[0]} - $t_make" | bc); sum_make=$(echo "$sum_make + $t_make" | bc)
    printf 'x86_64 kernel, round %d (%s): mvn puipui:kernel %.0f s wall / %.0f s CPU, raw make %.0f s / %.0f s:' \
      "$round" "${order// / first, then }" "${t_plugin[0]}" "${t_plugin[1]}" "${t_raw[0]}" "${t_raw[1]}"
    printf ' overhead %+.1f %% wall, %+.1f %% CPU;' "$(pct "${t_plugin[0]}" "${t_raw[0]}")" "$(pct "${t_plugin[1]}" "${t_raw[1]}")"
    printf ' the plugin outside make: %.1f s (%.1f %% of its make, %.0f s)\n' "$(echo "${t_plugin[0]} - $t_make" | bc)" \
      "$(echo "(${t_plugin[0]} - $t_make) * 100 / $t_make" | bc -l)" "$t_make"
    sum_pw=$(echo "$sum_pw + ${t_plugin[0]}" | bc); sum_rw=$(echo "$sum_rw + ${t_raw[0]}" | bc)
    sum_pc=$(echo "$sum_pc + ${t_plugin[1]}" | bc); sum_rc=$(echo "$sum_rc + ${t_raw[1]}" | bc)
  done
  printf 'plugin overhead over raw make, all rounds: %+.1f %% wall, %+.1f %% CPU\n' "$(pct "$sum_pw" "$sum_rw")" \
    "$(pct "$sum_pc" "$sum_rc")"
  printf 'the plugin outside make, all rounds: %.1f s in all, %.2f %% of the time in make\n' "$sum_own" \
    "$(echo "$sum_own * 100 / $sum_make" | bc -l)"
  rm -rf "$obj"
}
pct() { echo "($1 - $2) * 100 / $2" | bc -l; }

if [[ "${1:-}" == --overhead ]]; then
  overhead
  exit 0
fi

# The boot profile (puipui-distro's BootProfile, on the boot suite's consumer profiles): per profile the phases of
# the boot, alternating runs with minimum, median and maximum, the slowest init and rcS steps, the slowest
# initcalls (named through the build's System.map), then the guard on the first image's times to ssh.
boot_profile() {
  mvn_q -f puipui-distro compiler:testCompile
  local cp
  cp=puipui-distro/target/test-classes:puipui-maven-plugin/target/classes
  java -cp "$cp" io.github.puipui.boot.BootProfile --runs "${BOOT_RUNS:-5}" --guard scripts/boot-figures.tsv \
    "current=$target/puipui" "$@"
}

# Build nothing twice (the build cache's remote tier and base reuse), each build from an empty build cache:
#  1. a fresh clone builds both arches with no remote cache: it compiles everything (machine 1);
#  2. machine 1 publishes: it deploys the distro (its binaries included) to a repository of this run and pushes every
#     step to a real nginx (WebDAV PUT) on 127.0.0.1;
#  3. another fresh clone builds both arches with that remote cache (machine 2): it must compile nothing, and its
#     tarballs must equal machine 1's;
#  4. an overlay-only derived distro (an overlay, root's key and password) of that base, without the base's binaries
#     (-Dpuipui.baseBinaries=false: it compiles what the base compiled), then with them on a PATH of only what the mvn
#     launcher runs (no cc, make, zopfli).
# Sources come from the local mirror (-Dpuipui.mirrors); their bytes are counted apart from the remote cache's. These
# builds run online (mvn without -o): offline, a build asks no server, the remote cache included.
reuse() {
  command -v nginx > /dev/null || { echo "nginx not found: run scripts/install-host-packages.sh (Debian package nginx-core)"; exit 1; }
  local mirror=${REUSE_MIRROR:-${XDG_CACHE_HOME:-$HOME/.cache}/puipui/mirror}
  # REUSE_BASE_ARCHES: the base's arches (default both), REUSE_ARCHES: the derived distro's
  local base_arches=${REUSE_BASE_ARCHES:-} arches=${REUSE_ARCHES:-x86_64} port url t1 t2 t3 t4 version
  mvn_q install -pl puipui-maven-plugin -DskipTests # "with the plugin already installed"
  version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
  mkdir -p "$work/www/cache" "$work/nginx/tmp"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
error_log $work/nginx/error.log info;
pid $work/nginx/nginx.pid;
events { worker_connections 64; }
http {
    access_log $work/nginx/access.log;
    client_body_temp_path $work/nginx/tmp;
    proxy_temp_path $work/nginx/tmp;
    fastcgi_temp_path $work/nginx/tmp;
    uwsgi_temp_path $work/nginx/tmp;
    scgi_temp_path $work/nginx/tmp;
    client_max_body_size 0;
    server {
        listen 127.0.0.1:$port;
        root $work/www;
        location /cache/ { dav_methods PUT; create_full_put_path on; }
    }
}
CONF
  echo up > "$work/www/up"
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" > "$work/nginx/stdout.log" 2>&1 &
  nginx_pid=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/up" > /dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/up" > /dev/null || { echo "nginx did not start:"; cat "$work/nginx/"*.log; exit 1; }
  url=http://127.0.0.1:$port/cache/

  # the bytes the remote cache sent or received, and those of the sources a build read
  remote_bytes() { grep -oE "$1 the remote cache [^ ]+ \(([0-9,]+) bytes\)" "$log" | grep -oE '[0-9,]+ bytes' | tr -d ', bytes' \
    | awk '{t += $1} END {print t + 0}'; }
  source_bytes() { find "$1" -path '*/sha256/*' -type f -printf '%s\n' 2>/dev/null | awk '{t += $1} END {print t + 0}'; }
  compiled() { grep -cE ': building|kernel: make|musl configure|musl make|headers_install' "$log" || true; }
  mb() { echo "scale=1; $1 / 1000000" | bc; }
  local logs=$top/target/benchmark-reuse
  rm -rf "$logs" && mkdir -p "$logs"
  keep() { cp "$log" "$logs/$1.log"; }

  clone_work_tree "$work/m1"
  t1=$(cd "$work/m1" && secs mvn_on -f puipui-distro package -DskipTests ${base_arches:+-Dpuipui.arches=$base_arches} -Dpuipui.cache="$work/cache-1" \
    -Dpuipui.mirrors="file://$mirror/")
  keep 1-fresh-clone-no-remote-cache
  printf 'fresh clone, %s, empty build cache, no remote cache: %6.1f s; %s steps compiled, %s MB of sources read\n' \
    "${base_arches:-both arches}" "$t1" "$(compiled)" "$(mb "$(source_bytes "$work/cache-1")")"
  (cd "$work/m1" && mvn_on -f puipui-distro deploy -DskipTests ${base_arches:+-Dpuipui.arches=$base_arches} -Dpuipui.cache="$work/cache-1" \
    -Dpuipui.mirrors="file://$mirror/" -DaltDeploymentRepository="base::file://$work/base-repo" \
    -Dpuipui.remoteCache="$url" -Dpuipui.remoteCache.push=true)
  keep 2-publish
  printf '  published: pushed %s MB to the remote cache (%s entries), deployed the distro and its binaries\n' \
    "$(mb "$(remote_bytes 'pushed to')")" "$(find "$work/www/cache" -name '*.entry' | wc -l)"

  clone_work_tree "$work/m2"
  t2=$(cd "$work/m2" && secs mvn_on -f puipui-distro package -DskipTests ${base_arches:+-Dpuipui.arches=$base_arches} -Dpuipui.cache="$work/cache-2" \
    -Dpuipui.mirrors="file://$mirror/" -Dpuipui.remoteCache="$url")
  keep 3-fresh-clone-warm-remote-cache
  printf 'fresh clone, %s, empty build cache, warm remote cache: %6.1f s; %s steps compiled, %s MB from the remote cache, %s MB of sources read\n' \
    "${base_arches:-both arches}" "$t2" "$(compiled)" "$(mb "$(remote_bytes 'fetched from')")" "$(mb "$(source_bytes "$work/cache-2")")"
  if diff <(cd "$work/m1/$target" && sha256sum puipui-distro-*.tar.gz) \
      <(cd "$work/m2/$target" && sha256sum puipui-distro-*.tar.gz) > /dev/null; then
    echo "  tarballs identical to machine 1's ($(ls "$work/m2/$target"/puipui-distro-*.tar.gz | wc -l) of them)"
  else
    echo '  tarballs DIFFER from machine 1'"'"'s'
  fi

  # the derived distro: its own POM, the base from this run's repository
  mkdir -p "$work/derived/overlay/etc"
  echo 'a VMM developer'"'"'s guest' > "$work/derived/overlay/etc/motd"
  ssh-keygen -q -t ed25519 -N '' -f "$work/derived/id_ed25519"
  cat > "$work/derived/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.example.vmm</groupId>
  <artifactId>vmm-guest</artifactId>
  <version>1.0.0</version>
  <packaging>puipui-distro</packaging>
  <repositories>
    <repository><id>base</id><url>file://$work/base-repo</url></repository>
  </repositories>
  <build>
    <plugins>
      <plugin>
        <groupId>io.github.puipui</groupId>
        <artifactId>puipui-maven-plugin</artifactId>
        <version>$version</version>
        <extensions>true</extensions>
        <configuration>
          <base>io.github.puipui:puipui-distro:$version</base>
          <arches>$arches</arches>
          <authorizedKeys>\${project.basedir}/id_ed25519.pub</authorizedKeys>
          <rootPassword>benchmark</rootPassword>
          <overlayDirectory>\${project.basedir}/overlay</overlayDirectory>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
  t3=$(cd "$work/derived" && secs mvn_on -U package -Dpuipui.cache="$work/cache-3" -Dpuipui.mirrors="file://$mirror/" \
    -Dpuipui.baseBinaries=false)
  keep 4-derived-without-base-binaries
  printf 'overlay-only derived distro (%s), empty build cache, without the base'"'"'s binaries: %6.1f s; %s steps compiled, %s MB of sources read\n' \
    "$arches" "$t3" "$(compiled)" "$(mb "$(source_bytes "$work/cache-3")")"
  # a PATH of only what the mvn launcher script runs: no compiler, no make, no zopfli
  mkdir -p "$work/launcher-only-bin"
  for tool in sh java uname dirname basename expr find tr ls cat sed grep readlink which; do
    ln -s "$(readlink -f "$(command -v "$tool")")" "$work/launcher-only-bin/$tool"
  done
  rm -rf "$work/derived/target"
  t4=$(cd "$work/derived" && MVN_PATH="$work/launcher-only-bin" secs mvn_on package -Dpuipui.cache="$work/cache-4")
  keep 5-derived-with-base-binaries
  printf 'overlay-only derived distro (%s), empty build cache, with the base'"'"'s binaries, no compilers: %6.1f s; %s steps compiled, %s MB of binaries read, %s MB of sources\n' \
    "$arches" "$t4" "$(compiled)" "$(mb "$(for a in ${arches//,/ }; do stat -c %s "$work"/base-repo/io/github/puipui/puipui-distro/*/puipui-distro-*-"$a"-binaries.tar.gz; done | awk '{t += $1} END {print t}')")" \
    "$(mb "$(source_bytes "$work/cache-4")")"
}

if [[ "${1:-}" == --reuse ]]; then
  reuse
  exit 0
fi

if [[ "${1:-}" == --boot ]]; then
  shift
  boot_profile "$@"
  exit $?
fi

if [[ "${1:-}" != --sizes ]]; then
  rm -rf "$target"
  t=$(secs mvn_q package -Dpuipui.buildCache=false)
  printf 'clean build, both arches (warm source and toolchain caches, no build cache): %6.1f s\n' "$t"
  steps "$log"
  artifacts "$target" > "$work/serial.sha256"

  t=$(secs mvn_q package)
  printf 'no-op rebuild: %6.1f s (this run also fills the build cache)\n' "$t"
  printf '  skipped: %s\n' "$(grep -c 'up to date (inputs unchanged)' "$log") steps up to date"
  # a change of content (the steps are keyed by content, not mtimes), undone afterwards
  cp -p fs/etc/issue "$work/issue"
  echo 'benchmark' >> fs/etc/issue
  t=$(secs mvn_q package)
  cp -p "$work/issue" fs/etc/issue && rm "$work/issue"
  printf 'fs-only change rebuild: %6.1f s (%s)\n' "$t" "$(grep -cE '(initramfs: /|\.tar\.gz \()' "$log") outputs rewritten"

  clone_work_tree "$work/clone"
  t=$(cd "$work/clone" && secs mvn_q package)
  printf 'fresh clone, warm build cache: %6.1f s (%s restored from the build cache)\n' "$t" \
    "$(grep -c 'restored from the build cache' "$log")"
  if diff <(artifacts "$work/clone/$target") "$work/serial.sha256" > /dev/null; then
    echo '  artifacts identical to the clean build'
  else
    echo '  artifacts DIFFER from the clean build:'; diff <(artifacts "$work/clone/$target") "$work/serial.sha256" || true
  fi
  rm -rf "$work/clone"

  overhead

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
  for f in "$out"/Image.gz "$out"/Image "$out"/bzImage "$out"/vmlinux "$out"/initramfs.cpio.gz \
      "$target"/puipui-distro-*-"$arch".tar.gz "$target"/puipui-distro-*-"$arch"-*.tar.gz; do
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
for f in "$target"/puipui-distro-*-cyclonedx.json; do
  [[ -f $f ]] && printf '  %-8s %-40s %10d bytes\n' "" "$(basename "$f")" "$(stat -c %s "$f")"
done
[[ "${1:-}" == --sizes ]] && exit 0
boot_profile
