#!/usr/bin/env bash
# Tests the Debian package: lintian finds no error, systemd accepts its units (the socketmap server's with an exposure
# of at most 3.0, and every system call the server makes within its filter), and in a throwaway root
# (dpkg --root, maintainer scripts run without chroot under DPKG_ROOT) it installs with an empty map in place before
# anything names it, upgrades with the state and the map kept, is removed with the map emptied (nothing would keep it
# fresh) and the line that undoes Postfix's setting said, and purged with the map kept empty while Postfix still
# names it, gone otherwise.
# Usage: tools/package/test-deb.sh FIRST.deb SECOND.deb   (SECOND: a later version of the same package)
set -euo pipefail
first="$1"; second="$2"
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
say() { echo "test-deb: $*"; }

need=()
command -v lintian >/dev/null 2>&1 || need+=(lintian)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v minisign >/dev/null 2>&1 || need+=(minisign)
command -v postmap >/dev/null 2>&1 || need+=(postfix)
if [ "${#need[@]}" -gt 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; fi

say "lintian"
lintian_out="$(lintian --tag-display-limit 0 "$first" 2>&1 || true)"
printf '%s\n' "$lintian_out"
if echo "$lintian_out" | grep -q '^E:'; then fail "lintian reports errors"; fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

say "systemd-analyze verify"
dpkg-deb -x "$first" "$work/unpacked"
units="$work/unpacked/lib/systemd/system"
verify_out="$(systemd-analyze verify --man=no \
  "$units/starttls-policy.service" "$units/starttls-policy.timer" "$units/starttls-policy-socketmap.service" 2>&1 || true)"
printf '%s\n' "$verify_out"
# Every complaint about the units counts but one: this machine has no /usr/bin/starttls-policy, the package does.
if grep -E 'starttls-policy(-socketmap)?\.(service|timer)' <<< "$verify_out" | grep -v 'Command /usr/bin/starttls-policy is not executable' | grep -q .; then
  fail "systemd-analyze finds fault with the units"
fi

say "systemd-analyze security"
for unit in starttls-policy.service starttls-policy-socketmap.service; do
  exposure="$(systemd-analyze security --offline=true --no-pager "$units/$unit" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
  say "$unit: exposure $exposure"
  [ -n "$exposure" ] || fail "systemd-analyze security gave no exposure for $unit"
done
# The loop ends on the server's unit, which runs all the time and answers any local process: it is held to 3.0.
awk -v e="$exposure" 'BEGIN { exit !(e <= 3.0) }' || fail "the socketmap server's unit has exposure $exposure, above 3.0"

root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc/postfix"
touch "$root/var/lib/dpkg/status"
dpkg_root() { dpkg --root="$root" --force-script-chrootless --force-depends --force-not-root "$@"; }

say "install"
dpkg_root -i "$first" >/dev/null
[ -x "$root/usr/lib/starttls-policy/starttls-policy" ] || fail "the binary is not installed"
[ -L "$root/usr/bin/starttls-policy" ] || fail "/usr/bin/starttls-policy is not a link"
"$root/usr/bin/starttls-policy" --version | grep -q '+' || fail "--version does not name a commit"
[ -d "$root/var/lib/starttls-policy" ] || fail "the state directory is not made"
[ -f "$root/etc/starttls-policy/starttls-policy.conf" ] || fail "the config file is not installed"
zcat "$root/usr/share/man/man1/starttls-policy.1.gz" | grep -q 'socketmap' || fail "the man page lacks the commands' help"
if zcat "$root/usr/share/man/man1/starttls-policy.1.gz" | grep -q '???'; then fail "the man page has ??? where the help has non-ASCII text"; fi
grep -q 'no release installed yet' "$root/etc/postfix/starttls-policy" || fail "no empty map is in place before Postfix is pointed at it"
grep -q '^OnCalendar=' "$root/lib/systemd/system/starttls-policy.timer" || fail "the timer has no OnCalendar= for Persistent= to act on"
source_url="$(sed -n 's/^STARTTLS_POLICY_SOURCE=//p' "$root/etc/starttls-policy/starttls-policy.conf")"
set +e
placeholder="$("$root/usr/bin/starttls-policy" update --source "$source_url" --public-key /nonexistent/release.pub --state-dir "$work/state" 2>&1)"
code=$?
set -e
[ "$code" = 2 ] || fail "the config's placeholder source gives exit $code, not a usage error: $placeholder"
grep -q 'OWNER/NAME is a placeholder' <<< "$placeholder" || fail "the placeholder source is not named as such: $placeholder"

say "the server's system calls, under its unit's filter"
# Every system call the server makes, starting without a release and answering a lookup, must pass the unit's
# SystemCallFilter= (what it allows, less what it denies), or systemd would refuse it with EPERM.
expand() { systemd-analyze syscall-filter "$@" | grep -vE '^\s*(#|$)' | grep -v '^@' | tr -d ' ' | while read -r entry; do
  case "$entry" in @*) expand "$entry" ;; *) echo "$entry" ;; esac; done; }
filters="$(sed -n 's/^SystemCallFilter=//p' "$units/starttls-policy-socketmap.service")"
# shellcheck disable=SC2046 # the groups are words
expand $(grep -v '^~' <<< "$filters") | sort -u > "$work/allowed"
# shellcheck disable=SC2046
expand $(grep '^~' <<< "$filters" | tr -d '~') | sort -u > "$work/denied"
[ -s "$work/allowed" ] || fail "no system call is allowed by the unit's filter"
minisign -G -W -p "$work/server.pub" -s "$work/server.key" >/dev/null 2>&1 || fail "minisign cannot make a key"
port=18462
timeout 6 strace -f -qq -o "$work/serve.strace" "$root/usr/bin/starttls-policy" serve --socketmap "inet:127.0.0.1:$port" \
  --public-key "$work/server.pub" --state-dir "$work/server-state" > "$work/serve.out" 2>&1 &
for _ in $(seq 50); do postmap -q example.org "socketmap:inet:127.0.0.1:$port:starttls-policy" >/dev/null 2>&1 && break; [ $? = 1 ] && break; sleep 0.1; done
set +e; postmap -q example.org "socketmap:inet:127.0.0.1:$port:starttls-policy"; asked=$?; set -e
[ "$asked" = 1 ] || fail "the server without a release did not answer NOTFOUND (postmap exit $asked): $(cat "$work/serve.out")"
wait || true
sed -E 's/^[0-9]+ +//; s/^<\.\.\. ([a-z_0-9]+) resumed>.*/\1/; s/\(.*//' "$work/serve.strace" | grep -E '^[a-z_0-9]+$' | sort -u > "$work/used"
say "$(wc -l < "$work/used") distinct system calls"
outside="$(comm -23 "$work/used" "$work/allowed" | tr '\n' ' ')"
[ -z "$outside" ] || fail "the server makes system calls its unit does not allow: $outside"
denied="$(comm -12 "$work/used" "$work/denied" | tr '\n' ' ')"
[ -z "$denied" ] || fail "the server makes system calls its unit denies: $denied"

echo 'state of the first version' > "$root/var/lib/starttls-policy/marker"
echo 'example.org secure match=mx.example.org' > "$root/etc/postfix/starttls-policy"
echo '# STARTTLS_POLICY_OPTIONS=--early-adopter (admin edit)' >> "$root/etc/starttls-policy/starttls-policy.conf"

say "upgrade"
dpkg_root -i "$second" >/dev/null
version="$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${Version}' starttls-policy)"
[ "$version" = "$(dpkg-deb -f "$second" Version)" ] || fail "the upgrade left version $version"
grep -q 'first version' "$root/var/lib/starttls-policy/marker" || fail "the upgrade lost the state"
grep -q 'example.org' "$root/etc/postfix/starttls-policy" || fail "the upgrade lost the map"
grep -q 'admin edit' "$root/etc/starttls-policy/starttls-policy.conf" || fail "the upgrade replaced the admin's config"

say "remove, while Postfix names the map"
echo 'smtp_tls_policy_maps = hash:/etc/postfix/starttls-policy' > "$root/etc/postfix/main.cf"
removed="$(dpkg_root -r starttls-policy 2>&1)"
[ ! -e "$root/usr/lib/starttls-policy/starttls-policy" ] || fail "remove left the binary"
[ -f "$root/etc/postfix/starttls-policy" ] || fail "remove took the map Postfix still names"
if grep -q 'secure' "$root/etc/postfix/starttls-policy"; then fail "remove left a map nothing updates enforcing its entries"; fi
grep -q 'postconf -X smtp_tls_policy_maps' <<< "$removed" || fail "remove did not say how to undo Postfix's setting: $removed"
[ -f "$root/etc/starttls-policy/starttls-policy.conf" ] || fail "remove took the config file"

say "purge, while Postfix names the map"
purged="$(dpkg_root -P starttls-policy 2>&1)"
[ -f "$root/etc/postfix/starttls-policy" ] || fail "purge took the map Postfix still names"
grep -q 'postconf -X smtp_tls_policy_maps' <<< "$purged" || fail "purge did not say how to undo Postfix's setting: $purged"
[ ! -e "$root/var/lib/starttls-policy" ] || fail "purge left the state"
[ ! -e "$root/etc/starttls-policy/starttls-policy.conf" ] || fail "purge left the config file"

say "purge, once Postfix no longer names the map"
dpkg_root -i "$second" >/dev/null
rm "$root/etc/postfix/main.cf"
dpkg_root -P starttls-policy >/dev/null
[ ! -e "$root/etc/postfix/starttls-policy" ] || fail "purge left a map nothing names"
say "ok"
