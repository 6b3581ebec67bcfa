#!/usr/bin/env bash
# Installs what tools/package/build-release.sh needs for the given runtime identifiers and is missing: a C toolchain
# for NativeAOT, help2man and dpkg-dev for the package, and for linux-arm64 Debian's (or Ubuntu's) cross toolchain
# with the arm64 zlib the binary links (a bundled zlib is an error to lintian). Uses apt-get, through sudo unless
# run as root. Usage: tools/package/build-tools.sh RID...
set -euo pipefail
arm64=0
wanted=(clang zlib1g-dev help2man dpkg-dev binutils)
for rid in "$@"; do
  case "$rid" in
    linux-x64) ;;
    linux-arm64) wanted+=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross zlib1g-dev:arm64); arm64=1 ;;
    *) echo "build-tools.sh: no build for $rid (linux-x64, linux-arm64)" >&2; exit 2 ;;
  esac
done

need=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || need+=("$package")
done
[ "${#need[@]}" -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
if [ "$arm64" -eq 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  "${sudo[@]}" dpkg --add-architecture arm64
  # shellcheck source=/dev/null
  . /etc/os-release
  if [ "${ID:-}" = ubuntu ]; then
    # Ubuntu serves arm64 from ports.ubuntu.com, not from the amd64 archive: its sources are limited to amd64 and
    # the ports added for arm64.
    for sources in /etc/apt/sources.list.d/*.sources; do
      [ -f "$sources" ] && ! grep -q '^Architectures:' "$sources" && "${sudo[@]}" sed -i '/^Types:/a Architectures: amd64' "$sources"
    done
    [ -f /etc/apt/sources.list ] && "${sudo[@]}" sed -i 's/^deb \(http\)/deb [arch=amd64] \1/' /etc/apt/sources.list
    printf 'Types: deb\nURIs: http://ports.ubuntu.com/ubuntu-ports\nSuites: %s %s-updates %s-security\nComponents: main universe\nArchitectures: arm64\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n' \
      "$VERSION_CODENAME" "$VERSION_CODENAME" "$VERSION_CODENAME" | "${sudo[@]}" tee /etc/apt/sources.list.d/ubuntu-ports-arm64.sources >/dev/null
  fi
fi
echo "installing ${need[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
