#!/usr/bin/env bash
# The man page of starttls-policy from its own help: help2man reads --help and --version; each command's --help
# follows as a section. Usage: tools/package/manpage.sh BINARY > starttls-policy.1
set -euo pipefail
# help2man writes what it reads in the locale's encoding: outside UTF-8, "…" becomes "???".
export LC_ALL=C.UTF-8
binary="$1"
include="$(mktemp)"
trap 'rm -f "$include"' EXIT
{
  echo '[COMMANDS]'
  for command in update verify "export postfix" "export exim" "export sendmail" "export opensmtpd" "export haraka" serve status; do
    echo ".SS \"$command\""
    echo '.nf'
    # shellcheck disable=SC2086 # the command's words are meant to be split
    "$binary" $command --help | sed -e 's/\\/\\\\/g' -e 's/^\./\\\&./'
    echo '.fi'
  done
  echo '[FILES]'
  echo '/etc/starttls-policy/release.pub, /etc/starttls-policy/starttls-policy.conf, /var/lib/starttls-policy'
  echo '[EXIT STATUS]'
  echo '0: current; 1: refused, the last good list and map kept, or the map written and its reload failed (retried by the next run); 2: usage; 3: the installed list expired.'
} > "$include"
help2man --locale=C.UTF-8 --no-info --section 1 --name 'verify signed STARTTLS policy list releases and write mail server policy maps' \
  --include "$include" --version-string "$("$binary" --version)" "$binary"
