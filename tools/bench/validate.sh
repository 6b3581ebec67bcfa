#!/usr/bin/env bash
# Benchmark: `policyctl validate` against ajv 8, side by side in one run, alternating, on a generated list of
# DOMAINS domains and on the repository's own list. policyctl runs as the workflows and `dotnet run` start it:
# the build output, `dotnet src/PolicyCuration.Cli/bin/Release/net10.0/policyctl.dll`. Prints wall time and peak
# memory (max RSS), median of RUNS runs each.
# Usage: tools/bench/validate.sh [DOMAINS] [RUNS]     (defaults: 200000 domains, 5 runs)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
domains="${1:-200000}"
runs="${2:-5}"
out="$root/tools/bench/out"
mkdir -p "$out"

need_apt=()
[ -x /usr/bin/time ] || need_apt+=(time)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ "${#need_apt[@]}" -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

dotnet build "$root/src/PolicyCuration.Cli" -c Release --nologo -v quiet >/dev/null
dotnet build "$root/tools/bench/PolicyCuration.Bench" -c Release --nologo -v quiet >/dev/null
(cd "$root/tools/bench/ajv" && npm install --no-audit --no-fund --no-package-lock --silent >/dev/null)

large="$out/list-$domains.json"
dotnet "$root/tools/bench/PolicyCuration.Bench/bin/Release/net10.0/policy-bench.dll" generate "$domains" "$large" >/dev/null
small="$root/policy/policy.json"
eff="$root/tests/corpus/eff/eff-policy-2020-05-20.json"
schema="$root/schema/policy.schema.json"
policyctl="$root/src/PolicyCuration.Cli/bin/Release/net10.0/policyctl.dll"

measure() { # name, command...: appends "wall_s rss_kb" lines to $out/NAME.times
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -a -o "$out/$name.times" "$@" >/dev/null || true
}

rm -f "$out"/*.times
for _ in $(seq "$runs"); do
  measure policyctl-large dotnet "$policyctl" validate "$large" --schema "$schema" --now 2026-11-30T00:00:00Z
  measure ajv-large node "$root/tools/bench/ajv/validate.mjs" "$schema" "$large"
  measure policyctl-repo dotnet "$policyctl" validate "$small" --schema "$schema"
  measure ajv-repo node "$root/tools/bench/ajv/validate.mjs" "$schema" "$small"
  measure policyctl-eff dotnet "$policyctl" validate "$eff" --schema "$schema" --now 2020-05-20T00:00:00Z
  measure ajv-eff node "$root/tools/bench/ajv/validate.mjs" "$schema" "$eff"
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%s runs each (median); large: %s domains, %s bytes; repo: policy/policy.json; eff: EFF'"'"'s last list (926 domains)\n\n' "$runs" "$domains" "$(stat -c %s "$large")"
printf '| list | tool | wall (s) | × ajv | peak memory (MB) |\n| --- | --- | ---: | ---: | ---: |\n'
for list in large repo eff; do
  ajv_wall=$(cut -d' ' -f1 "$out/ajv-$list.times" | median)
  for tool in policyctl ajv; do
    wall=$(cut -d' ' -f1 "$out/$tool-$list.times" | median)
    rss=$(cut -d' ' -f2 "$out/$tool-$list.times" | median)
    printf '| %s | %s | %s | %s | %s |\n' "$list" "$tool" "$wall" "$(awk -v a="$wall" -v b="$ajv_wall" 'BEGIN { printf "%.2f", a / b }')" "$((rss / 1024))"
  done
done
