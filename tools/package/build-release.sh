#!/usr/bin/env bash
# The consumer's release assets, for each runtime identifier given: a NativeAOT build of starttls-policy, then
#   starttls-policy-RID.tar.gz   the binary, libsodium.so, the man page, the systemd units, the config file, the
#                                Postfix reload helper and docs/consumer.md;
#   starttls-policy_ARCH.deb     the Debian package (tools/package/build-deb.sh);
# and SHA256SUMS over them. The names carry no version, so that a release's download links stay the same; the
# version is inside (the package's control file, the tarball's top directory, --version).
# Usage: tools/package/build-release.sh VERSION OUT_DIR RID...   (RID: linux-x64, linux-arm64)
# The first RID must run on this machine: its --help makes the man page of every build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ "$#" -lt 3 ]; then
  echo "usage: tools/package/build-release.sh VERSION OUT_DIR RID..." >&2
  exit 2
fi
version="$1"; out="$2"; shift 2
if ! [[ "$version" =~ ^[0-9][0-9A-Za-z.+~]*$ ]]; then
  echo "build-release.sh: $version is not a Debian upstream version" >&2
  exit 2
fi

case "$(uname -m)" in
  x86_64) host=linux-x64 ;;
  aarch64) host=linux-arm64 ;;
  *) host=unknown ;;
esac

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"
manpage=""
for rid in "$@"; do
  cross=()
  case "$rid" in
    linux-x64) arch=amd64; strip="strip" ;;
    linux-arm64) arch=arm64; strip=aarch64-linux-gnu-strip ;;
    *) echo "build-release.sh: no build for $rid (linux-x64, linux-arm64)" >&2; exit 2 ;;
  esac
  if [ "$rid" != "$host" ]; then
    # Clang compiles for the target; Debian's cross binutils link (against the target's libc and multiarch zlib,
    # tools/package/build-tools.sh) and split the debug symbols.
    cross=(-p:CppCompilerAndLinker=clang -p:LinkerFlavor=bfd -p:ObjCopyName=aarch64-linux-gnu-objcopy)
  else
    strip="strip"
  fi

  publish="$stage/publish-$rid"
  echo "== $rid: NativeAOT build $version"
  dotnet publish "$root/src/PolicyCuration.Consumer" -c Release -r "$rid" -o "$publish" -p:Version="$version" "${cross[@]}" --nologo -v quiet

  if [ -z "$manpage" ]; then
    if [ "$rid" != "$host" ]; then
      echo "build-release.sh: the first RID must run here ($host) to make the man page" >&2
      exit 2
    fi
    manpage="$stage/starttls-policy.1"
    bash "$root/tools/package/manpage.sh" "$publish/starttls-policy" > "$manpage"
  fi

  name="starttls-policy-$version-$rid"
  tree="$stage/tar-$rid/$name"
  install -d "$tree"
  install -m 0755 "$publish/starttls-policy" "$tree/starttls-policy"
  install -m 0644 "$publish/libsodium.so" "$tree/libsodium.so"
  "$strip" --strip-unneeded "$tree/starttls-policy" "$tree/libsodium.so"
  install -m 0644 "$manpage" "$tree/starttls-policy.1"
  install -m 0644 "$root/packaging/debian/starttls-policy.service" "$root/packaging/debian/starttls-policy.timer" \
    "$root/packaging/debian/starttls-policy.conf" "$tree/"
  install -m 0755 "$root/packaging/debian/postfix-reload-starttls-policy" "$tree/"
  if [ -n "${STARTTLS_POLICY_SOURCE:-}" ]; then
    sed -i "s|^STARTTLS_POLICY_SOURCE=.*|STARTTLS_POLICY_SOURCE=${STARTTLS_POLICY_SOURCE}|" "$tree/starttls-policy.conf"
  fi
  bash "$root/tools/package/consumer-readme.sh" > "$tree/README.consumer.md"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@${SOURCE_DATE_EPOCH:-0}" -C "$stage/tar-$rid" -cf - "$name" \
    | gzip -9n > "$out/starttls-policy-$rid.tar.gz"

  deb="$(MANPAGE="$manpage" STRIP="$strip" bash "$root/tools/package/build-deb.sh" "$publish" "$version" "$stage/deb" "$arch")"
  mv "$deb" "$out/starttls-policy_$arch.deb"
  echo "== $rid: $out/starttls-policy-$rid.tar.gz, $out/starttls-policy_$arch.deb"
done

(cd "$out" && sha256sum -- starttls-policy-*.tar.gz starttls-policy_*.deb > SHA256SUMS)
