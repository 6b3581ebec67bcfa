#!/usr/bin/env bash
# Benchmark: the consumer's `update` (verify the signed release, write and postmap nothing: the map file only)
# against EFF's own consumer, `starttls-policy -g postfix` (github.com/EFForg/starttls-policy-cli, Python), which
# reads an unsigned policy.json from a directory and writes a Postfix policy file. Both on EFF's last list (926
# domains, its dates moved into the future so that neither takes its expired path) and on DOMAINS generated
# domains. Median of RUNS runs each, wall and peak memory by GNU time.
# Usage: EFF_CLI=DIR tools/bench/consumer-eff.sh [DOMAINS] [RUNS]   (defaults: 200000 domains, 5 runs)
#   DIR is a checkout of EFForg/starttls-policy-cli (default tools/bench/out/starttls-policy-cli); it runs with
#   Debian's python3-dateutil and python3-six, which the script installs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
domains="${1:-200000}"
runs="${2:-5}"
out="$root/tools/bench/out/consumer-eff"
eff_cli="${EFF_CLI:-$root/tools/bench/out/starttls-policy-cli}"
[ -f "$eff_cli/starttls_policy_cli/main.py" ] || { echo "EFF_CLI=$eff_cli is not a checkout of EFForg/starttls-policy-cli" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"

need=()
[ -x /usr/bin/time ] || need+=(time)
python3 -c 'import dateutil, six' 2>/dev/null || need+=(python3-dateutil python3-six)
if [ "${#need[@]}" -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; fi

dotnet build "$root/src/PolicyCuration.Cli" -c Release --nologo -v quiet >/dev/null
dotnet build "$root/tools/bench/PolicyCuration.Bench" -c Release --nologo -v quiet >/dev/null
dotnet publish "$root/src/PolicyCuration.Consumer" -c Release -r linux-x64 -o "$out/aot" --nologo -v quiet >/dev/null
policyctl="$root/src/PolicyCuration.Cli/bin/Release/net10.0/policyctl"
consumer="$out/aot/starttls-policy"
"$policyctl" keygen --secret-key "$out/release.key" --public-key "$out/release.pub" >/dev/null

# EFF's list with its two dates a year ahead, written back in its own layout.
python3 - "$root/tests/corpus/eff/eff-policy-2020-05-20.json" "$out/eff.json" <<'PY'
import json, sys
text = open(sys.argv[1], encoding='utf-8').read()
data = json.loads(text)
for key, value in (('timestamp', '2026-12-01T00:00:00+00:00'), ('expires', '2027-12-01T00:00:00+00:00')):
    text = text.replace(json.dumps(data[key]), json.dumps(value), 1)
open(sys.argv[2], 'w', encoding='utf-8').write(text)
PY
"$root/tools/bench/PolicyCuration.Bench/bin/Release/net10.0/policy-bench" generate "$domains" "$out/large.json" >/dev/null

measure() { # name, command...: appends "wall_s rss_kb"
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -a -o "$out/$name.times" "$@" >/dev/null 2>&1
}
for list in eff large; do
  "$policyctl" release --list "$out/$list.json" --secret-key "$out/release.key" --out "$out/$list-release" --no-tag --serial 1 >/dev/null
  mkdir -p "$out/$list-eff"
  cp "$out/$list.json" "$out/$list-eff/policy.json"
  for _ in $(seq "$runs"); do
    rm -rf "$out/$list-state"
    measure "$list-update" "$consumer" update --source "$out/$list-release" --public-key "$out/release.pub" --state-dir "$out/$list-state" --quiet
    measure "$list-effcli" env PYTHONPATH="$eff_cli" python3 -m starttls_policy_cli.main -g postfix -d "$out/$list-eff"
  done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%s runs each (median); eff: EFF'"'"'s 926 domains; large: %s domains\n\n' "$runs" "$domains"
printf '| list | tool | wall (s) | × EFF'"'"'s tool | peak memory (MB) |\n| --- | --- | ---: | ---: | ---: |\n'
for list in eff large; do
  base=$(cut -d' ' -f1 "$out/$list-effcli.times" | median)
  for tool in update effcli; do
    wall=$(cut -d' ' -f1 "$out/$list-$tool.times" | median)
    rss=$(cut -d' ' -f2 "$out/$list-$tool.times" | median)
    printf '| %s | %s | %s | %s | %s |\n' "$list" "$tool" "$wall" "$(awk -v w="$wall" -v b="$base" 'BEGIN { printf "%.2f", w / b }')" "$((rss / 1024))"
  done
done
