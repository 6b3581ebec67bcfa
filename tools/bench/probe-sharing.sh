#!/usr/bin/env bash
# Benchmark: one SMTP session per (MX host, address) against one per domain. Probes DOMAINS domains whose MXs are
# SHARED host names (all on the Postfix fixture, certificate *.bench.test), then DOMAINS domains each with its own
# MX host name, with this build and with BEFORE (a commit before sessions were shared), side by side in one run.
# Counts the TCP connections each run opened (the kernel's TcpActiveOpens: run it on an otherwise idle machine),
# and prints wall time, peak memory, and this build's own count of sessions and DNS questions. The shared set runs
# ROUNDS times, the two builds alternating, and the table gives the median with the range: one run on a busy machine
# can be 30% off either way.
# Usage (as root): tools/bench/probe-sharing.sh [DOMAINS] [SHARED] [BEFORE] [ROUNDS]     (defaults: 10000, 100, c7fdabe, 3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
domains="${1:-10000}"
shared="${2:-100}"
before="${3:-c7fdabe}"
rounds="${4:-3}"
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

for round in $(seq 1 "$rounds"); do
  run "before-shared-$round" "$old" s
  run "now-shared-$round" "$now" s --canaries "$out/canaries.txt"
done
# Every endpoint of this zone is on one address: both builds get the old bound per address, so that the
# comparison is of the sessions' machinery, not of the per-address politeness (2 by default now).
run before-own-1 "$old" o --sessions-per-address 32
run now-own-1 "$now" o --canaries "$out/canaries.txt" --sessions-per-address 32

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
walls() { for f in "$out/$1"-*.time; do cut -d' ' -f1 "$f"; done; }
printf '%s domains; shared: over %s MX host names, %s rounds; own: one MX host name each, 1 round; all on one Postfix\n\n' "$domains" "$shared" "$rounds"
printf '| run | build | wall (s), median | range | peak memory (MB) | TCP connections | passed | this build says |\n| --- | --- | ---: | --- | ---: | ---: | ---: | --- |\n'
for name in before-shared now-shared before-own now-own; do
  wall=$(walls "$name" | median)
  range="$(walls "$name" | sort -n | head -1)–$(walls "$name" | sort -n | tail -1)"
  rss=$(for f in "$out/$name"-*.time; do cut -d' ' -f2 "$f"; done | median)
  passed=$(grep -A1 '^    "domain"' "$out/$name-1.json" | grep -c '"passed": true' || true)
  says=$(grep '^sessions:' "$out/$name-1.err" | sed 's/^sessions: //' || true)
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "${name#*-}" "${name%%-*}" "$wall" "$range" "$(( ${rss%.*} / 1024 ))" "$(cat "$out/$name-1.opens")" "$passed" "${says:--}"
done
ratio() { awk -v a="$(walls "now-$1" | median)" -v b="$(walls "before-$1" | median)" 'BEGIN { printf "%.3f", a / b }'; }
printf '\nwall, this build against %s (medians): shared %sx (target <= 0.1), own %sx (target <= 1)\n' "$before" "$(ratio shared)" "$(ratio own)"
