#!/usr/bin/env bash
# Benchmark: the NativeAOT consumer on a generated list of DOMAINS domains, side by side in one run with
# `minisign -Vm` on the same file: `starttls-policy verify` (signatures, manifest hashes, expiry) and
# `starttls-policy export postfix` (which verifies too, then parses and renders the map). Then the cold
# start on a tiny list. Median of RUNS runs each.
# Usage: tools/bench/consumer.sh [DOMAINS] [RUNS]     (defaults: 200000 domains, 5 runs)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
domains="${1:-200000}"
runs="${2:-5}"
out="$root/tools/bench/out/consumer"
rm -rf "$out"
mkdir -p "$out"

need=()
[ -x /usr/bin/time ] || need+=(time)
command -v minisign >/dev/null 2>&1 || need+=(minisign)
if [ "${#need[@]}" -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; fi

dotnet build "$root/src/PolicyCuration.Cli" -c Release --nologo -v quiet >/dev/null
dotnet build "$root/tools/bench/PolicyCuration.Bench" -c Release --nologo -v quiet >/dev/null
dotnet publish "$root/src/PolicyCuration.Consumer" -c Release -r linux-x64 -o "$out/aot" --nologo -v quiet >/dev/null
policyctl="$root/src/PolicyCuration.Cli/bin/Release/net10.0/policyctl"
consumer="$out/aot/starttls-policy"

"$root/tools/bench/PolicyCuration.Bench/bin/Release/net10.0/policy-bench" generate "$domains" "$out/list.json" >/dev/null
"$policyctl" keygen --secret-key "$out/release.key" --public-key "$out/release.pub" >/dev/null
"$policyctl" release --list "$out/list.json" --secret-key "$out/release.key" --out "$out/release" --no-tag --serial 1 >/dev/null
"$consumer" update --source "$out/release" --public-key "$out/release.pub" --state-dir "$out/state" 2>/dev/null

measure() { # name, command...: appends "wall_ms rss_kb" (GNU time's %e has 10 ms steps, too coarse here)
  local name="$1"; shift
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$out/$name.rss" "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(cat "$out/$name.rss")" >>"$out/$name.times"
}
for _ in $(seq "$runs"); do
  measure verify "$consumer" verify --public-key "$out/release.pub" --state-dir "$out/state"
  measure export "$consumer" export postfix --public-key "$out/release.pub" --state-dir "$out/state"
  measure minisign minisign -Vm "$out/release/policy.json" -p "$out/release.pub"
done

# Cold start: the tiny list this repository curates, 100 runs of verify.
"$policyctl" release --list "$root/policy/policy.json" --secret-key "$out/release.key" --out "$out/tiny" --no-tag --serial 1 >/dev/null
"$consumer" update --source "$out/tiny" --public-key "$out/release.pub" --state-dir "$out/tiny-state" 2>/dev/null
start=$(date +%s%N)
for _ in $(seq 100); do "$consumer" verify --public-key "$out/release.pub" --state-dir "$out/tiny-state" >/dev/null; done
cold_ms=$(( ($(date +%s%N) - start) / 100 / 1000000 ))

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%s domains, %s bytes, %s runs each (median)\n\n' "$domains" "$(stat -c %s "$out/release/policy.json")" "$runs"
printf '| command | wall (ms) | × minisign | peak memory (MB) |\n| --- | ---: | ---: | ---: |\n'
base=$(cut -d' ' -f1 "$out/minisign.times" | median)
for name in minisign verify export; do
  wall=$(cut -d' ' -f1 "$out/$name.times" | median)
  rss=$(cut -d' ' -f2 "$out/$name.times" | median)
  printf '| %s | %s | %s | %s |\n' "$name" "$wall" "$(awk -v w="$wall" -v b="$base" 'BEGIN { printf "%.2f", w / b }')" "$((rss / 1024))"
done
printf '\ncold start (verify, tiny list, mean of 100): %s ms\n' "$cold_ms"
