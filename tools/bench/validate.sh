#!/usr/bin/env bash
# Benchmark: `policyctl validate` against ajv 8 on the same generated list and the same schema,
# side by side in one run, alternating. Prints wall time and peak memory (max RSS), median of RUNS runs each, for
# the published policyctl, for ajv, and for the plain build output that `dotnet run` starts.
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

# The published policyctl (native, see the project file) and the build output that `dotnet run` starts.
rm -rf "$out/policyctl"
dotnet publish "$root/src/PolicyCuration.Cli" -c Release -r linux-x64 -o "$out/policyctl" --nologo -v quiet >/dev/null
dotnet build "$root/src/PolicyCuration.Cli" -c Release --nologo -v quiet >/dev/null
dotnet build "$root/tools/bench/PolicyCuration.Bench" -c Release --nologo -v quiet >/dev/null
(cd "$root/tools/bench/ajv" && npm install --no-audit --no-fund --no-package-lock --silent >/dev/null)

list="$out/list-$domains.json"
dotnet "$root/tools/bench/PolicyCuration.Bench/bin/Release/net10.0/policy-bench.dll" generate "$domains" "$list" >/dev/null
schema="$root/schema/policy.schema.json"
policyctl="$out/policyctl/policyctl"
policyctl_build="$root/src/PolicyCuration.Cli/bin/Release/net10.0/policyctl"

measure() { # name, command...: appends "wall_s rss_kb" lines to $out/NAME.times
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -a -o "$out/$name.times" "$@" >/dev/null
}

rm -f "$out"/*.times
for _ in $(seq "$runs"); do
  measure policyctl "$policyctl" validate "$list" --schema "$schema" --now 2026-11-30T00:00:00Z
  measure ajv node "$root/tools/bench/ajv/validate.mjs" "$schema" "$list"
  measure policyctl-build "$policyctl_build" validate "$list" --schema "$schema" --now 2026-11-30T00:00:00Z
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%s domains, %s bytes, %s runs each (median)\n\n' "$domains" "$(stat -c %s "$list")" "$runs"
ajv_wall=$(cut -d' ' -f1 "$out/ajv.times" | median)
printf '| tool | wall (s) | × ajv | peak memory (MB) |\n| --- | ---: | ---: | ---: |\n'
for name in policyctl ajv policyctl-build; do
  wall=$(cut -d' ' -f1 "$out/$name.times" | median)
  rss=$(cut -d' ' -f2 "$out/$name.times" | median)
  printf '| %s | %s | %s | %s |\n' "$name" "$wall" "$(awk -v a="$wall" -v b="$ajv_wall" 'BEGIN { printf "%.2f", a / b }')" "$((rss / 1024))"
done
