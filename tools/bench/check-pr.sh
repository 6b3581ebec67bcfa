#!/usr/bin/env bash
# Benchmark: `policyctl check-pr` on a pull request that adds one domain (valid.probe.test, two MX hosts) to this
# repository's list, against the fixtures. Prints wall time and peak memory of each of RUNS runs.
# Usage (as root): tools/bench/check-pr.sh [RUNS]     (default: 3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-3}"
out="$root/tools/bench/out/check-pr"
fixtures="${POLICYCURATION_FIXTURES:-/tmp/policycuration-fixtures}"
rm -rf "$out"
mkdir -p "$out/repo/policy"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
[ -f "$fixtures/fixtures.env" ] || bash "$root/tools/fixtures/start.sh"
dotnet build "$root/src/PolicyCuration.Cli" -c Release --nologo -v quiet >/dev/null
policyctl="$root/src/PolicyCuration.Cli/bin/Release/net10.0/policyctl"

cd "$out/repo"
git init -q .
cp "$root/policy/policy.json" policy/policy.json
git add -A && git -c user.name=bench -c user.email=bench@localhost commit -qm base
# The pull request: the same list with valid.probe.test added, in canonical form.
sed 's|^  "policies": {$|  "policies": {\n    "valid.probe.test": {\n      "mode": "testing",\n      "mxs": [\n        "mx.valid.probe.test",\n        "mx2.valid.probe.test"\n      ]\n    },|' \
  "$root/policy/policy.json" > policy/policy.json
"$policyctl" fmt policy/policy.json --schema "$root/schema/policy.schema.json" >/dev/null
git add -A && git -c user.name=bench -c user.email=bench@localhost commit -qm "add valid.probe.test"

printf '| run | wall (s) | peak memory (MB) | exit |\n| ---: | ---: | ---: | ---: |\n'
for run in $(seq "$runs"); do
  status=0
  /usr/bin/time -f "%e %M" -o "$out/time" "$policyctl" check-pr --base HEAD~1 --repo owner/list --pr 42 \
    --dns 127.0.10.1:5353 --smtp-port 2525 --https-port 8443 --ca-file "$fixtures/ca/ca.pem" --allow-private-addresses --format json > "$out/report.json" || status=$?
  read -r wall rss < <(tail -n 1 "$out/time")
  printf '| %s | %s | %s | %s |\n' "$run" "$wall" "$((rss / 1024))" "$status"
done
