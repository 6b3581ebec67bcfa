#!/usr/bin/env bash
# Benchmark: `policyctl audit` of a list of DOMAINS domains whose MXs are the Postfix fixture (one in a hundred
# on a silent address), served by a dnsmasq zone made for it. Prints wall time, domains per second and peak memory.
# Usage (as root): tools/bench/audit.sh [DOMAINS] [TIMEOUT_SECONDS]     (defaults: 10000 domains, 10 s)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
domains="${1:-10000}"
timeout="${2:-10}"
out="$root/tools/bench/out/audit"
fixtures="${POLICYCURATION_FIXTURES:-/tmp/policycuration-fixtures}"
rm -rf "$out"
mkdir -p "$out"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
[ -f "$fixtures/fixtures.env" ] || bash "$root/tools/fixtures/start.sh"

dotnet build "$root/src/PolicyCuration.Cli" -c Release --nologo -v quiet >/dev/null
dotnet build "$root/tools/bench/PolicyCuration.Bench" -c Release --nologo -v quiet >/dev/null
policyctl="$root/src/PolicyCuration.Cli/bin/Release/net10.0/policyctl"

{
  printf 'port=5353\nlisten-address=127.0.10.4\nbind-interfaces\nno-resolv\nno-hosts\nlocal=/bench.test/\n'
  printf 'host-record=canary.bench.test,127.0.10.11\n'
  for i in $(seq -f '%05g' 0 $((domains - 1))); do
    ip=127.0.10.11
    if [ $((10#$i % 100)) -eq 0 ]; then ip=127.0.10.98; fi
    printf 'mx-host=d%s.bench.test,mx%s.bench.test,10\nhost-record=mx%s.bench.test,%s\n' "$i" "$i" "$i" "$ip"
  done
} > "$out/zone.conf"
{
  printf '{\n  "expires": "2099-01-01T00:00:00+00:00",\n  "policies": {\n'
  for i in $(seq -f '%05g' 0 $((domains - 1))); do
    sep=','
    [ "$i" = "$(printf '%05d' $((domains - 1)))" ] && sep=''
    printf '    "d%s.bench.test": {"mode": "enforce", "mxs": ["mx%s.bench.test"]}%s\n' "$i" "$i" "$sep"
  done
  printf '  },\n  "timestamp": "2098-12-20T00:00:00+00:00",\n  "version": "0.1"\n}\n'
} > "$out/list.json"

printf 'canary.bench.test\n' > "$out/canaries.txt"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
dnsmasq --conf-file="$out/zone.conf" --pid-file="$out/dnsmasq.pid" --keep-in-foreground & pids+=($!)
"$root/tools/bench/PolicyCuration.Bench/bin/Release/net10.0/policy-bench" silent 127.0.10.98:2525 2>/dev/null & pids+=($!)
sleep 1

/usr/bin/time -f "%e %M" -o "$out/audit.time" "$policyctl" audit --list "$out/list.json" --out "$out/results.jsonl" \
  --dns 127.0.10.4:5353 --smtp-port 2525 --https-port 8443 --ca-file "$fixtures/ca/ca.pem" --timeout "$timeout" --allow-private-addresses \
  --canaries "$out/canaries.txt" 2>"$out/audit.log"
read -r wall rss < <(tail -n 1 "$out/audit.time")
passed=$(grep -c '"passed":true' "$out/results.jsonl" || true)
printf '%s domains (1%% on a silent MX), timeout %s s\n\n' "$domains" "$timeout"
printf '| wall (s) | domains/s | peak memory (MB) | passed |\n| ---: | ---: | ---: | ---: |\n'
printf '| %s | %s | %s | %s/%s |\n' "$wall" "$(awk -v d="$domains" -v w="$wall" 'BEGIN { printf "%.0f", d / w }')" "$((rss / 1024))" "$passed" "$domains"
