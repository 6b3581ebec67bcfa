#!/usr/bin/env bash
# Benchmark: `policyctl probe` on DOMAINS domains whose MXs are the Postfix fixture, side by side in one
# run with what an admin would script: posttls-finger per MX host through `xargs -P 32`. Then the same
# with one MX in ten on an address that accepts connections and never answers.
# Prints wall time and peak memory (max RSS) of each run.
# Usage (as root): tools/bench/probe.sh [DOMAINS] [TIMEOUT_SECONDS]     (defaults: 1000 domains, 5 s)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
domains="${1:-1000}"
timeout="${2:-5}"
out="$root/tools/bench/out/probe"
fixtures="${POLICYCURATION_FIXTURES:-/tmp/policycuration-fixtures}"
mkdir -p "$out"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
[ -f "$fixtures/fixtures.env" ] || bash "$root/tools/fixtures/start.sh"
ca="$fixtures/ca/ca.pem"

dotnet build "$root/src/PolicyCuration.Cli" -c Release --nologo -v quiet >/dev/null
dotnet build "$root/tools/bench/PolicyCuration.Bench" -c Release --nologo -v quiet >/dev/null
policyctl="$root/src/PolicyCuration.Cli/bin/Release/net10.0/policyctl"
bench="$root/tools/bench/PolicyCuration.Bench/bin/Release/net10.0/policy-bench"

# Two zones of d0000.bench.test... each with one MX: on 127.0.10.2 every MX is the valid Postfix
# (127.0.10.11, certificate *.bench.test); on 127.0.10.3 one in ten is the silent listener 127.0.10.98.
zone() { # DNS_IP SILENT(0|1)
  printf 'port=5353\nlisten-address=%s\nbind-interfaces\nno-resolv\nno-hosts\nlocal=/bench.test/\n' "$1"
  printf 'host-record=canary.bench.test,127.0.10.11\n'
  for i in $(seq -f '%04g' 0 $((domains - 1))); do
    ip=127.0.10.11
    if [ "$2" = 1 ] && [ $((10#$i % 10)) -eq 0 ]; then ip=127.0.10.98; fi
    printf 'mx-host=d%s.bench.test,mx%s.bench.test,10\nhost-record=mx%s.bench.test,%s\n' "$i" "$i" "$i" "$ip"
  done
}
printf 'canary.bench.test\n' > "$out/canaries.txt"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT
zone 127.0.10.2 0 > "$out/clean.conf"
zone 127.0.10.3 1 > "$out/silent.conf"
dnsmasq --conf-file="$out/clean.conf" --pid-file="$out/clean.pid" --keep-in-foreground & pids+=($!)
dnsmasq --conf-file="$out/silent.conf" --pid-file="$out/silent.pid" --keep-in-foreground & pids+=($!)
"$bench" silent 127.0.10.98:2525 2>/dev/null & pids+=($!)
sleep 1

seq -f 'd%04g.bench.test' 0 $((domains - 1)) > "$out/domains.txt"
rm -f "$out"/hosts-*.tmp
for i in $(seq -f '%04g' 0 $((domains - 1))); do
  ip=127.0.10.11
  if [ $((10#$i % 10)) -eq 0 ]; then ip=127.0.10.98; fi
  printf 'mx%s.bench.test 127.0.10.11\n' "$i" >> "$out/hosts-clean.txt.tmp"
  printf 'mx%s.bench.test %s\n' "$i" "$ip" >> "$out/hosts-silent.txt.tmp"
done
rm -f "$out/hosts-clean.txt" "$out/hosts-silent.txt"
mv "$out/hosts-clean.txt.tmp" "$out/hosts-clean.txt"
mv "$out/hosts-silent.txt.tmp" "$out/hosts-silent.txt"

probe() { # NAME DNS_IP
  local names
  mapfile -t names < "$out/domains.txt"
  /usr/bin/time -f "%e %M" -o "$out/$1.time" "$policyctl" probe "${names[@]}" --dns "$2:5353" \
    --smtp-port 2525 --https-port 8443 --ca-file "$ca" --timeout "$timeout" --allow-private-addresses --canaries "$out/canaries.txt" --format json > "$out/$1.json" || true
  # A report's first two members are its domain and its verdict.
  total=$(grep -c '^    "domain"' "$out/$1.json" || true)
  ok=$(grep -A1 '^    "domain"' "$out/$1.json" | grep -c '"passed": true' || true)
  printf '%s %s\n' "$ok" "$total" > "$out/$1.count"
}
finger() { # NAME HOSTS_FILE
  # shellcheck disable=SC2016
  /usr/bin/time -f "%e %M" -o "$out/$1.time" xargs -P 32 -n 2 sh -c \
    'posttls-finger -c -l secure -F "'"$ca"'" -t '"$timeout"' -o smtp_helo_timeout='"$timeout"' "[$1]:2525" "$0" 2>&1 | grep -q "Verified TLS" && echo ok || echo fail' \
    < "$2" > "$out/$1.out"
  printf '%s %s\n' "$(grep -c '^ok' "$out/$1.out" || true)" "$(wc -l < "$out/$1.out")" > "$out/$1.count"
}

probe policyctl-clean 127.0.10.2
finger posttls-finger-clean "$out/hosts-clean.txt"
probe policyctl-silent 127.0.10.3
finger posttls-finger-silent "$out/hosts-silent.txt"

printf '%s domains, one MX each, timeout %s s\n\n' "$domains" "$timeout"
printf '| run | wall (s) | peak memory (MB) | passed |\n| --- | ---: | ---: | ---: |\n'
for name in policyctl-clean posttls-finger-clean policyctl-silent posttls-finger-silent; do
  read -r wall rss < <(tail -n 1 "$out/$name.time")
  read -r ok total < "$out/$name.count"
  printf '| %s | %s | %s | %s/%s |\n' "$name" "$wall" "$((rss / 1024))" "$ok" "$total"
done
