#!/usr/bin/env bash
# Every test of the repository: restore, build (warnings are errors), format check, start what the
# tests need, run every test project, stop what was started. Exits non-zero on any failure and ends
# with the totals.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/.test-results"

say() { printf '== %s\n' "$*"; }

if ! command -v dotnet >/dev/null 2>&1; then
  echo "tools/test.sh: the .NET 10 SDK (dotnet) is required" >&2
  exit 2
fi

say "restore"
dotnet restore PolicyCuration.sln --nologo -v quiet

say "build"
dotnet build PolicyCuration.sln --nologo --no-restore -v quiet -warnaserror

say "format check"
dotnet format PolicyCuration.sln --no-restore --verify-no-changes

say "workflow lint (actionlint, shellcheck)"
bash tools/lint/workflows.sh

# The consumer's NativeAOT builds, for this machine and cross-built for arm64 as release.yml does, and its package;
# release.yml's steps use jq, as GitHub's runners have it.
say "build toolchains (NativeAOT, arm64 cross, Debian packaging)"
bash tools/package/build-tools.sh linux-x64 linux-arm64
# The status site's tests drive Debian's Chromium through its chromedriver.
need=()
command -v jq >/dev/null 2>&1 || need+=(jq)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

say "native consumer (NativeAOT)"
export POLICYCURATION_CONSUMER_AOT="$root/.aot/starttls-policy"
dotnet publish src/PolicyCuration.Consumer -c Release -r linux-x64 -o "$root/.aot" --nologo -v quiet

say "Debian package (lintian, systemd-analyze, install, upgrade, remove and purge in a throwaway root)"
rm -rf "$root/.deb"
bash tools/package/build-deb.sh "$root/.aot" 0.0.1 "$root/.deb" >/dev/null
bash tools/package/build-deb.sh "$root/.aot" 0.0.2 "$root/.deb" >/dev/null
bash tools/package/test-deb.sh "$root/.deb/starttls-policy_0.0.1_amd64.deb" "$root/.deb/starttls-policy_0.0.2_amd64.deb"
# The consumer's tests install it into a scratch root and follow its steps against the fixtures' sending Postfix.
export POLICYCURATION_DEB="$root/.deb/starttls-policy_0.0.2_amd64.deb"

say "fixtures"
export POLICYCURATION_FIXTURES="${POLICYCURATION_FIXTURES:-/tmp/policycuration-fixtures}"
trap 'bash "$root/tools/fixtures/stop.sh"' EXIT
bash tools/fixtures/start.sh

say "test"
rm -rf "$results"
status=0
# Each run prints its failures with their messages and writes a trx file, which the totals below are read from.
run_tests() { # PROJECT TRX_NAME
  dotnet test "$1" --nologo --no-build -v quiet --logger "console;verbosity=minimal" --logger "trx;LogFileName=$2" \
    --results-directory "$results" --blame-hang-timeout 5m || status=$?
}
for project in tests/*/*.Tests.csproj; do
  run_tests "$project" "$(basename "$project" .csproj).trx"
done

passed=0 failed=0 skipped=0
shopt -s nullglob
trx_files=("$results"/*.trx)
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done

if [ "${#trx_files[@]}" -eq 0 ]; then
  echo "tools/test.sh: no test results were written" >&2
  status=1
fi
if [ "$status" -eq 0 ] && [ "$failed" -gt 0 ]; then
  status=1
fi

# The failures again at the end, where a log cut to its tail still shows them.
if [ "$failed" -gt 0 ]; then
  say "failed tests"
  for trx in "${trx_files[@]}"; do
    awk -v run="$(basename "$trx")" -f tools/test-failures.awk "$trx"
  done
fi

echo "${#trx_files[@]} test runs (one per test project)"
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
