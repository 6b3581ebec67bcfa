#!/usr/bin/env bash
# Prints the README's consumer section, which the package and the tarballs carry as their documentation.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
awk '/^## The consumer: `starttls-policy`/ { on = 1 } /^## The daily audit/ { on = 0 } on' "$root/README.md"
