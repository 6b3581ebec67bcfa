#!/usr/bin/env bash
# Benchmark: `policyctl site` for DOMAINS domains, a list with VERSIONS daily versions in git and DAYS days of daily
# audits of every domain (the site reads the last 90; older days are links to one written day). Prints the
# build's wall time and peak memory, the site's size, and the home page's weight.
# Usage: tools/bench/site.sh [DOMAINS] [VERSIONS] [DAYS]     (defaults: 200000 domains, 30 versions, 365 days)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
domains="${1:-200000}"
versions="${2:-30}"
days="${3:-365}"
out="$root/tools/bench/out/site"
end="2026-11-30T06:00:00Z"
rm -rf "$out"
mkdir -p "$out"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
dotnet build "$root/src/PolicyCuration.Cli" -c Release --nologo -v quiet >/dev/null
dotnet build "$root/tools/bench/PolicyCuration.Bench" -c Release --nologo -v quiet >/dev/null
policyctl="$root/src/PolicyCuration.Cli/bin/Release/net10.0/policyctl"
bench="$root/tools/bench/PolicyCuration.Bench/bin/Release/net10.0/policy-bench"

"$bench" list-history "$out/repo" "$domains" "$versions" "$end"
"$bench" audit-history "$out/repo/policy/policy.json" "$out/history" "$days" 90 "$end"
echo "history: $(du -sh "$out/history" | cut -f1) on disk"

/usr/bin/time -f 'site: %e s wall, %M KB peak resident' "$policyctl" site --list "$out/repo/policy/policy.json" \
  --history "$out/history" --out "$out/site" --now 2026-11-30T12:00:00Z
echo "site: $(find "$out/site" -type f | wc -l) files, $(du -sh "$out/site" | cut -f1) on disk"
home=$(stat -c %s "$out/site/index.html")
assets=$(( $(stat -c %s "$out/site/site.css") + $(stat -c %s "$out/site/search.js") ))
echo "home page: $home bytes, $((home + assets)) with its stylesheet and script (uncompressed)"
