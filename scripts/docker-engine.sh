#!/usr/bin/env bash
# Makes a Docker engine and twinpost's images available on a machine with no registry
# (DESIGN.md §5). Idempotent: each step is skipped when its result is already there.
#
#   scripts/docker-engine.sh [up]   engine + base image + twinpost/postfix (what the container target needs)
#   scripts/docker-engine.sh lab    the above + twinpost/postgres + docker-compose (for docker-compose.yml)
#   scripts/docker-engine.sh stop   stop the engine this script started (nothing else)
#   scripts/docker-engine.sh status say what is there
#
# Steps of `up`:
#   1. apt-get install docker.io and debootstrap when missing (root, non-interactive);
#   2. start dockerd (no bridge, no iptables, vfs storage) when no engine answers;
#   3. build the base image with debootstrap from Debian's packages + `docker import`, unless
#      `docker image inspect` already finds it;
#   4. `docker build` docker/postfix (FROM the base; layers cached by the engine).
# Environment: TWINPOST_BASE_IMAGE, TWINPOST_POSTFIX_IMAGE, TWINPOST_PG_IMAGE, DEBIAN_MIRROR,
# TWINPOST_DOCKERD_LOG, DOCKER_WAIT_SECONDS.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_IMAGE="${TWINPOST_BASE_IMAGE:-twinpost/bookworm-base:latest}"
POSTFIX_IMAGE="${TWINPOST_POSTFIX_IMAGE:-twinpost/postfix:latest}"
PG_IMAGE="${TWINPOST_PG_IMAGE:-twinpost/postgres:latest}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DOCKERD_LOG="${TWINPOST_DOCKERD_LOG:-/var/log/twinpost-dockerd.log}"
DOCKERD_PIDFILE=/run/twinpost-dockerd.pid
WAIT_SECONDS="${DOCKER_WAIT_SECONDS:-60}"
BASE_PACKAGES=postfix,postfix-lmdb,postfix-pcre,postfix-pgsql,ca-certificates

say() { printf 'docker-engine: %s\n' "$*"; }
die() { printf 'docker-engine: error: %s\n' "$*" >&2; exit 1; }
elapsed() { echo "$(( $(date +%s) - START ))s"; }
START=$(date +%s)

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (installs packages, starts dockerd)"; }

engine_answers() { docker info >/dev/null 2>&1; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker >/dev/null 2>&1 || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  for extra in "$@"; do command -v "$extra" >/dev/null 2>&1 || missing+=("$extra"); done
  if [ ${#missing[@]} -eq 0 ]; then say "packages: already installed"; return; fi
  # Unique names, in order.
  local pkgs; pkgs=$(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++' | tr '\n' ' ')
  say "packages: installing $pkgs"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
  say "packages: installed ($(elapsed))"
}

start_engine() {
  if engine_answers; then say "engine: already answering"; return; fi
  say "engine: starting dockerd (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  # setsid + nohup: the engine outlives this script and the shell that ran it.
  setsid nohup dockerd --bridge=none --iptables=false --ip-masq=false --storage-driver=vfs \
    >>"$DOCKERD_LOG" 2>&1 </dev/null &
  echo $! >"$DOCKERD_PIDFILE"
  local i=0
  until engine_answers; do
    i=$((i + 1))
    if ! kill -0 "$(cat "$DOCKERD_PIDFILE")" 2>/dev/null; then
      tail -20 "$DOCKERD_LOG" >&2; die "dockerd exited"
    fi
    [ "$i" -le $((WAIT_SECONDS * 4)) ] || { tail -20 "$DOCKERD_LOG" >&2; die "no answer from dockerd after ${WAIT_SECONDS}s"; }
    sleep 0.25
  done
  say "engine: answering ($(elapsed))"
}

build_base() {
  if have_image "$BASE_IMAGE"; then say "base image: $BASE_IMAGE cached"; return; fi
  local dir; dir=$(mktemp -d /var/tmp/twinpost-debootstrap.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -rf '$dir'" EXIT
  say "base image: debootstrap bookworm ($BASE_PACKAGES) into $dir"
  debootstrap --variant=minbase --include="$BASE_PACKAGES" bookworm "$dir" "$MIRROR" >"$dir.log" 2>&1 \
    || { tail -20 "$dir.log" >&2; die "debootstrap failed (log: $dir.log)"; }
  rm -f "$dir.log"
  # Every container copies the whole image (vfs storage): leave out what no test reads.
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/archives/*.deb \
    "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/locale/*
  # The tar's "." becomes the image's /: mktemp made it 0700, which would lock every
  # unprivileged process (Postfix's daemons) out of the whole file system.
  chmod 0755 "$dir"
  say "base image: docker import as $BASE_IMAGE"
  tar -C "$dir" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf "$dir"
  trap - EXIT
  say "base image: built ($(elapsed))"
}

build_image() { # name, context dir
  say "image: docker build $1 from $2"
  DOCKER_BUILDKIT=0 docker build -q --network host --build-arg BASE="$BASE_IMAGE" -t "$1" "$2" >/dev/null 2>"/tmp/twinpost-build.$$.log" \
    || { cat "/tmp/twinpost-build.$$.log" >&2; rm -f "/tmp/twinpost-build.$$.log"; die "docker build of $1 failed"; }
  rm -f "/tmp/twinpost-build.$$.log"
  say "image: $1 ready ($(elapsed))"
}

stop_engine() {
  if [ ! -f "$DOCKERD_PIDFILE" ]; then say "engine: not started by this script; left alone"; return; fi
  local pid; pid=$(cat "$DOCKERD_PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    say "engine: stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    local i=0
    while kill -0 "$pid" 2>/dev/null; do
      i=$((i + 1)); [ "$i" -le 120 ] || { kill -KILL "$pid" 2>/dev/null || true; break; }
      sleep 0.25
    done
  else
    say "engine: dockerd (pid $pid) already gone"
  fi
  rm -f "$DOCKERD_PIDFILE"
}

status() {
  if ! engine_answers; then say "engine: not answering (images unknown)"; return; fi
  say "engine: answering ($(docker version --format '{{.Server.Version}}'))"
  for img in "$BASE_IMAGE" "$POSTFIX_IMAGE" "$PG_IMAGE"; do
    if have_image "$img"; then say "image: $img present"; else say "image: $img absent"; fi
  done
}

case "${1:-up}" in
  up)
    need_root; install_packages; start_engine; build_base
    build_image "$POSTFIX_IMAGE" "$HERE/docker/postfix"
    say "done in $(elapsed): engine up, $POSTFIX_IMAGE ready"
    ;;
  lab)
    need_root; install_packages docker-compose; start_engine; build_base
    build_image "$POSTFIX_IMAGE" "$HERE/docker/postfix"
    build_image "$PG_IMAGE" "$HERE/docker/postgres"
    say "done in $(elapsed): engine up, $POSTFIX_IMAGE and $PG_IMAGE ready; now: docker-compose up"
    ;;
  stop) stop_engine ;;
  status) status ;;
  -h|--help|help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown subcommand '$1' (up, lab, stop, status, --help)" ;;
esac
