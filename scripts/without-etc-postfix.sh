#!/usr/bin/env bash
# Runs a command where the system's Postfix configuration cannot be read: in a private mount
# namespace, /etc/postfix is an empty directory (a tmpfs over it, seen by this command and its
# children only; the system's files are not touched). The tests and the harness must pass this
# way: every real Postfix program they run gets a configuration directory of its own.
#   scripts/without-etc-postfix.sh npm test
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG]..." >&2; exit 2; }
if [ ! -d /etc/postfix ]; then
  exec "$@"   # nothing to hide
fi
[ "$(id -u)" = 0 ] || { echo "$0: hiding /etc/postfix needs root (unshare --mount)" >&2; exit 2; }
exec unshare --mount --propagation private -- bash -c \
  'mount -t tmpfs -o mode=0755,size=1m twinpost-empty /etc/postfix && exec "$@"' _ "$@"
