#!/usr/bin/env bash
# Runs a command in a new Debian 12 root that holds only what a new machine of this kind holds,
# on a fresh clone of a commit of this repository, so that nothing installed by hand on this
# machine can hide a missing install step.
#
#   scripts/fresh-root.sh [--commit REV] COMMAND      (as root; COMMAND is a bash command line)
#   scripts/fresh-root.sh --build                      only build (or check) the base root
#
#   - The base root is made once with debootstrap from Debian's packages and kept in
#     $TWINPOST_FRESH_ROOT (default /var/lib/twinpost/fresh-root/bookworm): minbase plus git,
#     build-essential, python3, curl, ca-certificates, postgresql, procps, iproute2,
#     util-linux. Node.js and npm are the host's (bind-mounted read-only), as on a new machine.
#   - Each run gets a throw-away overlay of it: everything the command installs or writes is
#     gone afterwards. The apt and npm download caches are shared between runs
#     (/var/cache/twinpost/fresh-root): packages are still installed by each run, only not
#     downloaded again.
#   - The host's network, process table, apt sources and Docker socket are shared. The root's
#     /tmp is a host directory seen at the same path inside ($TMPDIR), so directories the
#     tests bind-mount into containers exist for the host's Docker engine too.
#   - As on this kind of machine, /usr/sbin/policy-rc.d keeps package scripts from starting
#     services (postgresql, docker.io) inside the root.
#   - COMMAND runs as root in /srv/project, a clone of REV (default HEAD), with CI and
#     FRESH_ROOT=1 in its environment.
# Prints "fresh-root: ..." lines for what it does; exits with COMMAND's status.
set -euo pipefail

BASE=${TWINPOST_FRESH_ROOT:-/var/lib/twinpost/fresh-root/bookworm}
CACHE=/var/cache/twinpost/fresh-root
PACKAGES=build-essential,ca-certificates,curl,git,iproute2,postgresql,procps,python3,util-linux
REPO=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
say() { echo "fresh-root: $*"; }

commit=HEAD; build_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --commit) commit=$2; shift 2 ;;
    --build) build_only=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "fresh-root: must run as root (debootstrap, mounts, chroot)" >&2; exit 2; }
[ $build_only = 1 ] || [ $# -gt 0 ] || { echo "fresh-root: usage: $0 [--commit REV] COMMAND" >&2; exit 2; }

apt_mirror() {  # the Debian mirror this machine's apt already uses
  grep -hoE '^(URIs:|deb) +[^ ]+' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | grep -v security | head -1 | awk '{print $2}'
}

build_base() {
  if [ -f "$BASE/.complete" ]; then say "reusing $BASE (built $(cat "$BASE/.complete"))"; return 0; fi
  command -v debootstrap >/dev/null || {
    say "installing debootstrap"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  say "building $BASE with debootstrap (once per machine; a few minutes)"
  rm -rf "$BASE.new"; mkdir -p "$BASE.new"
  debootstrap --variant=minbase --include="$PACKAGES" bookworm "$BASE.new" "$(apt_mirror)" >"$BASE.new.log" 2>&1 \
    || { say "debootstrap failed; see $BASE.new.log"; tail -5 "$BASE.new.log"; return 1; }
  chroot "$BASE.new" apt-get clean
  rm -f "$BASE.new.log"
  date -u +%FT%TZ >"$BASE.new/.complete"
  rm -rf "$BASE"; mv "$BASE.new" "$BASE"
  say "built $BASE ($(du -sh "$BASE" | cut -f1))"
}

build_base
[ $build_only = 0 ] || exit 0

RUNS=/var/tmp/twinpost-fresh-root

unmount_below() {  # every mount at or below $1, deepest first
  awk -v r="$1" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/mounts | sort -r \
    | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}
remove_run() {  # $1: a run directory; its processes end, its mounts go, then the directory
  local run=$1 p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$run/root" ] && kill -9 "${p#/proc/}" 2>/dev/null
  done
  unmount_below "$run"
  if awk -v r="$run" 'index($2, r) == 1 {found=1} END {exit !found}' /proc/mounts; then
    say "left $run: still mounted"
  else
    rm -rf "$run"
  fi
}
# Runs whose owner died before its own cleanup (kill -9) are removed first.
mkdir -p "$RUNS"
for old in "$RUNS"/run.*; do
  [ -d "$old" ] || continue
  owner=$(cat "$old/owner" 2>/dev/null || true)
  [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null && continue
  say "removing $old, left by an interrupted run"
  remove_run "$old"
done

RUN=$(mktemp -d "$RUNS/run.XXXXXX")
echo $$ >"$RUN/owner"
ROOT=$RUN/root
mkdir -p "$RUN/upper" "$RUN/work" "$ROOT" "$CACHE/apt" "$CACHE/npm"
trap 'remove_run "$RUN"' EXIT

bind_ro() { mkdir -p "$ROOT$2"; mount --bind "$1" "$ROOT$2"; mount -o remount,bind,ro "$ROOT$2"; }

mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$RUN/upper,workdir=$RUN/work" "$ROOT"
mount -t proc proc "$ROOT/proc"
mount --rbind /sys "$ROOT/sys"
mount --rbind /dev "$ROOT/dev"
mount -t tmpfs tmpfs "$ROOT/run"
SHARED_TMP=$RUN/tmp
mkdir -p "$SHARED_TMP" "$ROOT$SHARED_TMP"; chmod 1777 "$SHARED_TMP"
mount --bind "$SHARED_TMP" "$ROOT/tmp"
mount --bind "$SHARED_TMP" "$ROOT$SHARED_TMP"
printf '#!/bin/sh\n# No service starts inside this root.\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
# Node.js and npm as the host has them.
touch "$ROOT/usr/bin/node"; mount --bind /usr/bin/node "$ROOT/usr/bin/node"
bind_ro /usr/lib/node_modules/npm /usr/lib/node_modules/npm
[ -d /usr/include/node ] && bind_ro /usr/include/node /usr/include/node
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOT/usr/bin/npx"
[ -f /usr/etc/npmrc ] && bind_ro /usr/etc /usr/etc
[ -f /root/.npmrc ] && cp /root/.npmrc "$ROOT/root/.npmrc"
# The same package registries; shared download caches.
rm -rf "$ROOT/etc/apt"; bind_ro /etc/apt /etc/apt
mount --bind "$CACHE/apt" "$ROOT/var/cache/apt/archives"
mkdir -p "$ROOT/root/.npm"; mount --bind "$CACHE/npm" "$ROOT/root/.npm"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
bind_ro /etc/ssl/certs /etc/ssl/certs   # the certificate authorities this machine trusts
if [ -S /var/run/docker.sock ]; then
  touch "$ROOT/run/docker.sock"; mount --bind /var/run/docker.sock "$ROOT/run/docker.sock"
fi
bind_ro "$REPO/.git" /src.git

rev=$(git -C "$REPO" rev-parse --verify "$commit^{commit}")
say "running in a fresh root (overlay $RUN) on commit ${rev:0:10}: $*"
env=(TERM=dumb HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
     CI="${CI:-true}" FRESH_ROOT=1 TMPDIR="$SHARED_TMP")
[ -n "${TZ:-}" ] && env+=(TZ="$TZ")
set +e
env -i "${env[@]}" chroot "$ROOT" /bin/bash -c "set -e; git clone -q /src.git /srv/project; cd /srv/project; git checkout -q $rev; set +e; $*"
rc=$?
set -e
say "command exited $rc"
exit $rc
