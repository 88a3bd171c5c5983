#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages a full puipui build and its boot tests need.
set -euo pipefail
packages=(
  build-essential flex bison bc libelf-dev libssl-dev rsync xz-utils bzip2 cpio file
  gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
  qemu-system-x86 qemu-system-arm qemu-utils e2fsprogs openssh-client sshpass openssl
  dpkg-dev ca-certificates zopfli patch util-linux distcc ccache gnupg
  cmake meson ninja-build pkgconf nginx-core
)
if [[ $(uname -m) == aarch64 ]]; then
  packages+=(gcc-x86-64-linux-gnu binutils-x86-64-linux-gnu)
fi
sudo=""
[[ $(id -u) -eq 0 ]] || sudo=sudo
# virtio-fs tests: Debian 12 ships virtiofsd inside qemu-system-common, later releases as its own package
if [[ ! -x /usr/lib/qemu/virtiofsd ]] && apt-cache show virtiofsd >/dev/null 2>&1; then
  packages+=(virtiofsd)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-host-packages: all present"
  exit 0
fi
echo "install-host-packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
