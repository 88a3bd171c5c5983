#!/usr/bin/env bash
# Seeds puipui's local source mirror from Debian source packages, for machines that reach Debian's archive but
# not the upstream hosts. Debian ships the pinned upstream tarballs byte for byte as *.orig.tar.*; each is stored
# under the name the build looks for, and the build verifies every file against the digests its POM declares, so
# nothing here is trusted blindly.
#
# Usage: scripts/seed-debian-sources.sh [--list FILE]... [MIRROR_DIR]
#   MIRROR_DIR  default ${XDG_CACHE_HOME:-~/.cache}/puipui/mirror, which the build always consults.
#   --list FILE a seeding list, as `mvn puipui:debian-sources` writes it (a derived distro's: debian-sources.txt
#               beside its POM); repeat it for several. Without --list: this repository's own list
#               (scripts/debian-sources.txt), its kernel lines' (kernel-lines/*/debian-sources.txt) and those of
#               its integration tests (src/it/*/debian-sources.txt).
# apt's own configuration is left untouched: deb-src entries are derived from the system's apt sources into a
# private directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
lists=()
mirror=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --list)
      [[ $# -ge 2 ]] || { echo "seed-debian-sources: --list needs a file" >&2; exit 2; }
      [[ -f "$2" ]] || { echo "seed-debian-sources: no list $2 (mvn puipui:debian-sources writes it)" >&2; exit 2; }
      lists+=("$2"); shift 2 ;;
    --list=*)
      f=${1#--list=}
      [[ -f "$f" ]] || { echo "seed-debian-sources: no list $f (mvn puipui:debian-sources writes it)" >&2; exit 2; }
      lists+=("$f"); shift ;;
    -h|--help)
      sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*)
      echo "seed-debian-sources: unknown option $1 (usage: $0 [--list FILE]... [MIRROR_DIR])" >&2; exit 2 ;;
    *)
      [[ -z "$mirror" ]] || { echo "seed-debian-sources: one mirror directory only (usage: $0 [--list FILE]... [MIRROR_DIR])" >&2; exit 2; }
      mirror=$1; shift ;;
  esac
done
mirror=${mirror:-${XDG_CACHE_HOME:-$HOME/.cache}/puipui/mirror}
if [[ ${#lists[@]} -eq 0 ]]; then
  # the distro's list (generated from its declarations: mvn puipui:debian-sources), its kernel lines' and those of
  # the integration tests
  lists=("$here/debian-sources.txt")
  for f in "$here"/../kernel-lines/*/debian-sources.txt "$here"/../src/it/*/debian-sources.txt; do
    if [[ -e "$f" ]]; then lists+=("$f"); fi
  done
fi
extra_suites=${PUIPUI_DEBSRC_SUITES:-"bookworm-backports trixie trixie-updates trixie-backports forky sid"}
extra_security_suites=${PUIPUI_DEBSRC_SECURITY_SUITES:-"trixie-security"}

mkdir -p "$mirror"
missing=()
while read -r pkg orig name; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  [[ -s "$mirror/$name" ]] && continue
  [[ " ${missing[*]} " == *" $name "* ]] || missing+=("$pkg $orig $name")
done < <(cat "${lists[@]}")
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "seed-debian-sources: $mirror already holds every source"
  exit 0
fi
command -v apt-get >/dev/null || { echo "seed-debian-sources: apt-get not found (Debian/Ubuntu only)" >&2; exit 1; }
command -v dpkg-source >/dev/null || { echo "seed-debian-sources: dpkg-source not found: apt-get install dpkg-dev" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/dl"

# Derive deb-src stanzas from the system's deb stanzas (deb822 and one-line formats), adding the suites that
# carry the pinned versions. Hosts come from the system configuration; none is written here.
{
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -e "$f" ]] || continue
    awk -v extra="$extra_suites" -v sec="$extra_security_suites" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && uris != "") {
          s = (uris ~ /security/) ? sec : extra
          printf "Types: deb-src\nURIs: %s\nSuites: %s %s\nComponents: %s\n", uris, suites, s, comps
          if (signed != "") printf "Signed-By: %s\n", signed
          printf "\n"
        }
        types = uris = suites = comps = signed = ""
      }
      /^[ \t]*$/ { flush(); next }
      /^#/ { next }
      /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0; next }
      /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0; next }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0; next }
      /^Components:/ { sub(/^Components:[ \t]*/, ""); comps = $0; next }
      /^Signed-By:/ { sub(/^Signed-By:[ \t]*/, ""); signed = $0; next }
      END { flush() }' "$f"
  done
} > "$work/sources.sources"
if [[ -r /etc/apt/sources.list ]]; then
  grep -E '^deb[[:space:]]' /etc/apt/sources.list | grep -v 'deb-src' | sed 's/^deb /deb-src /' > "$work/sources.list" || true
else
  : > "$work/sources.list"
fi
if [[ ! -s "$work/sources.sources" && ! -s "$work/sources.list" ]]; then
  echo "seed-debian-sources: found no Debian apt source to derive deb-src entries from" >&2
  exit 1
fi
mkdir -p "$work/parts"
cp "$work/sources.sources" "$work/parts/puipui.sources"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/parts"
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
          -o "APT::Sandbox::User=root" -o "Acquire::Languages=none")
echo "seed-debian-sources: reading Debian source indexes (${extra_suites} ${extra_security_suites})"
apt-get -q "${apt_opts[@]}" update >"$work/update.log" 2>&1 || { tail -20 "$work/update.log" >&2; echo "seed-debian-sources: apt-get update failed" >&2; exit 1; }

status=0
for entry in "${missing[@]}"; do
  read -r pkg orig name <<<"$entry"
  echo "seed-debian-sources: $pkg"
  # Some side files (.debian.tar, .dsc) may be unavailable; only the orig tarball matters and it is checked below.
  (cd "$work/dl" && apt-get -q "${apt_opts[@]}" source --download-only "$pkg" >"$work/$orig.log" 2>&1) || true
  if [[ -s "$work/dl/$orig" ]]; then
    cp "$work/dl/$orig" "$mirror/.$name.part"
    mv "$mirror/.$name.part" "$mirror/$name"
    echo "  -> $mirror/$name  sha256 $(sha256sum "$mirror/$name" | cut -d' ' -f1)"
  else
    tail -5 "$work/$orig.log" >&2
    echo "seed-debian-sources: could not get $orig from source package $pkg" >&2
    status=1
  fi
done
exit $status
