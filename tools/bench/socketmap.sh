#!/usr/bin/env bash
# Benchmark: `starttls-policy serve` (NativeAOT) answering socketmap lookups from 32 clients, each keeping one
# connection and asking back to back (as Postfix's smtp processes do), beside `postmap -q` on the hash map of the
# same release (one process reading keys from standard input, the way a script would ask). Keys: every domain of a
# generated list and as many that are not listed, in random order. Prints lookups/s, p50/p99 latency and the
# server's peak memory against the list's size.
# Usage: tools/bench/socketmap.sh [DOMAINS] [SECONDS] [CLIENTS]     (defaults: 200000 domains, 10 s, 32 clients)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
domains="${1:-200000}"
seconds="${2:-10}"
clients="${3:-32}"
out="$root/tools/bench/out/socketmap"
rm -rf "$out"
mkdir -p "$out"

need=()
command -v postmap >/dev/null 2>&1 || need+=(postfix)
command -v minisign >/dev/null 2>&1 || need+=(minisign)
if [ "${#need[@]}" -gt 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi

dotnet build "$root/src/PolicyCuration.Cli" -c Release --nologo -v quiet >/dev/null
dotnet build "$root/tools/bench/PolicyCuration.Bench" -c Release --nologo -v quiet >/dev/null
dotnet publish "$root/src/PolicyCuration.Consumer" -c Release -r linux-x64 -o "$out/aot" --nologo -v quiet >/dev/null
policyctl="$root/src/PolicyCuration.Cli/bin/Release/net10.0/policyctl"
bench="$root/tools/bench/PolicyCuration.Bench/bin/Release/net10.0/policy-bench"
consumer="$out/aot/starttls-policy"

"$bench" generate "$domains" "$out/list.json" >/dev/null
"$policyctl" keygen --secret-key "$out/release.key" --public-key "$out/release.pub" >/dev/null
"$policyctl" release --list "$out/list.json" --secret-key "$out/release.key" --out "$out/release" --no-tag --serial 1 >/dev/null
"$consumer" update --source "$out/release" --public-key "$out/release.pub" --state-dir "$out/state" --postfix-map "$out/map" --postmap 2>/dev/null

# Every listed domain and as many unlisted ones, shuffled.
grep -o '^    "[^"]*": {' "$out/list.json" | sed -n 's/^    "\([^"]*\)": {$/\1/p' | grep -v '^provider' > "$out/listed"
sed 's/$/.unlisted/' "$out/listed" > "$out/unlisted"
cat "$out/listed" "$out/unlisted" | shuf --random-source=<(yes) > "$out/keys"

"$consumer" serve --socketmap "unix:$out/socket" --public-key "$out/release.pub" --state-dir "$out/state" 2>"$out/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -S "$out/socket" ] && break; sleep 0.1; done
[ -S "$out/socket" ] || { cat "$out/serve.log"; exit 1; }

"$bench" socketmap-load "$out/socket" "$out/keys" starttls-policy "$clients" "$seconds" | tee "$out/load.txt"
peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$server/status")
rss_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$server/status")

start=$(date +%s%N)
postmap -q - "hash:$out/map" < "$out/keys" > "$out/postmap.out"
postmap_ms=$(( ($(date +%s%N) - start) / 1000000 ))
keys=$(wc -l < "$out/keys")

printf '\n%s domains, list %s bytes\n' "$domains" "$(stat -c %s "$out/release/policy.json")"
list_bytes=$(stat -c %s "$out/release/policy.json")
printf 'serve: memory while answering %s MB (%.2f× the list), peak while loading %s MB\n' "$((rss_kb / 1024))" "$(awk -v k="$rss_kb" -v b="$list_bytes" 'BEGIN { print k * 1024 / b }')" "$((peak_kb / 1024))"
printf 'postmap -q - hash: %s keys in %s ms: %s lookups/s (one process)\n' "$keys" "$postmap_ms" "$((keys * 1000 / (postmap_ms > 0 ? postmap_ms : 1)))"
