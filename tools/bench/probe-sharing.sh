#!/usr/bin/env bash
# Benchmark: one SMTP session per (MX host, address) against one per domain. Probes DOMAINS domains whose MXs are
# SHARED host names (all on the Postfix fixture, certificate *.bench.test), then DOMAINS domains each with its own
# MX host name, with this build and with BEFORE (a commit before sessions were shared), side by side in one run.
# Counts the TCP connections each run opened (the kernel's TcpActiveOpens: run it on an otherwise idle machine),
# and prints wall time, peak memory, and this build's own count of sessions and DNS questions.
# Usage (as root): tools/bench/probe-sharing.sh [DOMAINS] [SHARED] [BEFORE]     (defaults: 10000, 100, c7fdabe)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
domains="${1:-10000}"
shared="${2:-100}"
before="${3:-c7fdabe}"
out="$root/tools/bench/out/probe-sharing"
fixtures="${POLICYCURATION_FIXTURES:-/tmp/policycuration-fixtures}"
mkdir -p "$out"

[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
[ -f "$fixtures/fixtures.env" ] || bash "$root/tools/fixtures/start.sh"
ca="$fixtures/ca/ca.pem"

dotnet build "$root/src/PolicyCuration.Cli" -c Release --nologo -v quiet >/dev/null
now="$root/src/PolicyCuration.Cli/bin/Release/net10.0/policyctl.dll"
old_tree="$out/before-$before"
if [ ! -d "$old_tree" ]; then
  git -C "$root" worktree add --detach "$old_tree" "$before" >/dev/null 2>&1
fi
dotnet build "$old_tree/src/PolicyCuration.Cli" -c Release --nologo -v quiet >/dev/null
old="$old_tree/src/PolicyCuration.Cli/bin/Release/net10.0/policyctl.dll"

# One zone, served by NSD (dnsmasq scans its records one by one and would be the bottleneck at this size):
# s<i>.bench.test over smx<k>.bench.test (k < SHARED), o<i>.bench.test each with omx<i>.bench.test; every MX host on
# the valid Postfix, 127.0.10.11. A canary for this build's vantage check, on the same Postfix.
command -v nsd >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq nsd >/dev/null; }
{
  # shellcheck disable=SC2016 # the zone file's own $ORIGIN and $TTL
  printf '$ORIGIN bench.test.\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.10.4\ncanary A 127.0.10.11\n'
  for k in $(seq 0 $((shared - 1))); do printf 'smx%s A 127.0.10.11\n' "$k"; done
  for i in $(seq 0 $((domains - 1))); do
    printf 's%s MX 10 smx%s\no%s MX 10 omx%s\nomx%s A 127.0.10.11\n' "$i" $((i % shared)) "$i" "$i" "$i"
  done
} > "$out/bench.test.zone"
cat > "$out/nsd.conf" <<CONF
server:
  ip-address: 127.0.10.4@5353
  zonesdir: "$out"
  pidfile: "$out/nsd.pid"
  database: ""
  username: ""
  chroot: ""
  xfrdfile: "$out/xfrd.state"
  zonelistfile: "$out/zone.list"
  server-count: 1
  # Response rate limiting is on by default; a benchmark is one client asking fast.
  rrl-ratelimit: 0
zone:
  name: bench.test
  zonefile: "bench.test.zone"
CONF
printf 'canary.bench.test\n' > "$out/canaries.txt"
nsd -d -c "$out/nsd.conf" & dns=$!
trap 'kill "$dns" 2>/dev/null || true' EXIT
sleep 2

opens() { awk '/^Tcp:/ { if (++n == 2) print $6 }' /proc/net/snmp; }
run() { # NAME BUILD PREFIX EXTRA...
  local name="$1" build="$2" prefix="$3"; shift 3
  local start; start=$(opens)
  # shellcheck disable=SC2046
  /usr/bin/time -f "%e %M" -o "$out/$name.time" dotnet "$build" probe $(seq -f "$prefix%g.bench.test" 0 $((domains - 1))) \
    --dns 127.0.10.4:5353 --smtp-port 2525 --https-port 8443 --ca-file "$ca" --timeout 10 --allow-private-addresses \
    --format json "$@" > "$out/$name.json" 2> "$out/$name.err" || true
  echo $(( $(opens) - start )) > "$out/$name.opens"
}

run before-shared "$old" s
run now-shared "$now" s --canaries "$out/canaries.txt"
# Every endpoint of this zone is on one address: both builds get the old bound per address, so that the
# comparison is of the sessions' machinery, not of the per-address politeness (2 by default now).
run before-own "$old" o --sessions-per-address 32
run now-own "$now" o --canaries "$out/canaries.txt" --sessions-per-address 32

printf '%s domains; shared: over %s MX host names; own: one MX host name each; all on one Postfix\n\n' "$domains" "$shared"
printf '| run | build | wall (s) | peak memory (MB) | TCP connections | passed | this build says |\n| --- | --- | ---: | ---: | ---: | ---: | --- |\n'
for name in before-shared now-shared before-own now-own; do
  read -r wall rss < "$out/$name.time"
  passed=$(grep -A1 '^    "domain"' "$out/$name.json" | grep -c '"passed": true' || true)
  says=$(grep '^sessions:' "$out/$name.err" | sed 's/^sessions: //' || true)
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${name#*-}" "${name%%-*}" "$wall" "$((rss / 1024))" "$(cat "$out/$name.opens")" "$passed" "${says:--}"
done
