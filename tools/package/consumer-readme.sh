#!/usr/bin/env bash
# Prints the consumer's documentation (docs/consumer.md), which the package and the tarballs carry as README.consumer.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cat "$root/docs/consumer.md"
