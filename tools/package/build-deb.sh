#!/usr/bin/env bash
# Builds the Debian package of starttls-policy from a NativeAOT publish directory.
# Usage: tools/package/build-deb.sh PUBLISH_DIR VERSION OUT_DIR [ARCH]   (ARCH: amd64 by default)
# Prints the path of the .deb. Needs dpkg-deb and help2man (installed when missing, as root).
# STARTTLS_POLICY_SOURCE=URL writes the list's releases into the config file (else it keeps the placeholder).
# MANPAGE=FILE takes the man page from FILE rather than from the binary's --help (for a binary of another
# architecture); STRIP names the strip program for the binary's architecture.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
publish="$1"; version="$2"; out="$3"; arch="${4:-amd64}"
files="$root/packaging/debian"

need=()
command -v help2man >/dev/null 2>&1 || need+=(help2man)
command -v dpkg-deb >/dev/null 2>&1 || need+=(dpkg-dev)
command -v strip >/dev/null 2>&1 || need+=(binutils)
if [ "${#need[@]}" -gt 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/starttls-policy"
install -d "$pkg/DEBIAN" "$pkg/usr/lib/starttls-policy" "$pkg/usr/bin" "$pkg/usr/sbin" "$pkg/etc/starttls-policy" \
  "$pkg/lib/systemd/system" "$pkg/usr/share/man/man1" "$pkg/usr/share/doc/starttls-policy"

# The binary finds libsodium.so beside its real path, so both live in /usr/lib/starttls-policy.
install -m 0755 "$publish/starttls-policy" "$pkg/usr/lib/starttls-policy/starttls-policy"
install -m 0644 "$publish/libsodium.so" "$pkg/usr/lib/starttls-policy/libsodium.so"
"${STRIP:-strip}" --strip-unneeded "$pkg/usr/lib/starttls-policy/starttls-policy" "$pkg/usr/lib/starttls-policy/libsodium.so"
ln -s ../lib/starttls-policy/starttls-policy "$pkg/usr/bin/starttls-policy"
install -m 0755 "$files/postfix-reload-starttls-policy" "$pkg/usr/sbin/postfix-reload-starttls-policy"
install -m 0644 "$files/starttls-policy.conf" "$pkg/etc/starttls-policy/starttls-policy.conf"
# STARTTLS_POLICY_SOURCE=URL names the releases this package comes with (release.yml: this repository's).
if [ -n "${STARTTLS_POLICY_SOURCE:-}" ]; then
  case "$STARTTLS_POLICY_SOURCE" in https://*) ;; *) echo "build-deb.sh: STARTTLS_POLICY_SOURCE must be an https:// URL" >&2; exit 2 ;; esac
  sed -i "s|^STARTTLS_POLICY_SOURCE=.*|STARTTLS_POLICY_SOURCE=${STARTTLS_POLICY_SOURCE}|" "$pkg/etc/starttls-policy/starttls-policy.conf"
fi
install -m 0644 "$files/starttls-policy.service" "$files/starttls-policy.timer" "$files/starttls-policy-socketmap.service" "$pkg/lib/systemd/system/"

# The man page is the program's own --help, each command's, and --version: one source.
if [ -n "${MANPAGE:-}" ]; then
  gzip -9nc "$MANPAGE" > "$pkg/usr/share/man/man1/starttls-policy.1.gz"
else
  bash "$root/tools/package/manpage.sh" "$publish/starttls-policy" | gzip -9n > "$pkg/usr/share/man/man1/starttls-policy.1.gz"
fi

# The consumer's documentation (docs/consumer.md).
bash "$root/tools/package/consumer-readme.sh" | gzip -9n > "$pkg/usr/share/doc/starttls-policy/README.consumer.md.gz"
cat > "$pkg/usr/share/doc/starttls-policy/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: starttls-policy
Source: PolicyCuration

Files: *
Copyright: PolicyCuration contributors
License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
 documentation files (the "Software"), to deal in the Software without restriction, including without limitation
 the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
 permit persons to whom the Software is furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in all copies or substantial portions of
 the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.

Files: usr/lib/starttls-policy/libsodium.so
Copyright: 2013-2025 Frank Denis
License: ISC
 Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby
 granted, provided that the above copyright notice and this permission notice appear in all copies.
COPYRIGHT
printf 'starttls-policy (%s) stable; urgency=medium\n\n  * Release %s.\n\n -- PolicyCuration <maintainers@policycuration.invalid>  %s\n' \
  "$version" "$version" "$(date -R -u -d @"${SOURCE_DATE_EPOCH:-0}")" | gzip -9n > "$pkg/usr/share/doc/starttls-policy/changelog.gz"

install -m 0755 "$files/postinst" "$files/postrm" "$pkg/DEBIAN/"
echo /etc/starttls-policy/starttls-policy.conf > "$pkg/DEBIAN/conffiles"
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: starttls-policy
Version: $version
Architecture: $arch
Maintainer: PolicyCuration <maintainers@policycuration.invalid>
Installed-Size: $(du -sk "$pkg" | cut -f1)
Depends: libc6 (>= 2.34), zlib1g
Suggests: postfix
Section: mail
Priority: optional
Homepage: https://policycuration.invalid/
Description: verified STARTTLS policy list for mail servers
 Fetches the signed STARTTLS policy list, verifies it against a pinned minisign
 key, refuses rollback and expired lists, and writes the Postfix TLS policy map
 atomically (exports for Exim, Sendmail, OpenSMTPD and Haraka, and a socketmap
 server). A systemd timer runs the update every 6 hours.
CONTROL
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums)

mkdir -p "$out"
deb="$out/starttls-policy_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$pkg" "$deb" >/dev/null
echo "$deb"
