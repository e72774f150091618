#!/usr/bin/env bash
# Makes RabbitMQ 4.0 runnable beside Debian 12's 3.10: Debian 13 ("trixie") ships 4.0.5 on
# Erlang 27, which needs trixie's glibc, so it runs from a minimal trixie root built once per
# machine (about a minute from Debian's archive) and reused after. Idempotent: a finished root
# is marked, a half-built one (interrupted debootstrap) is thrown away and built again, and
# concurrent callers wait on one lock. Prints nothing when the root is ready.
# The root's folder: WARREN_RMQ4_ROOT (default /var/tmp/rmq4-root), read by test/harness too.
set -euo pipefail
ROOT="${WARREN_RMQ4_ROOT:-/var/tmp/rmq4-root}"
MIRROR="${WARREN_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
READY="$ROOT/.warren-ready"

mount_kernel_fs() {
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
  mountpoint -q "$ROOT/dev" || mount --bind /dev "$ROOT/dev"
}

if [ -f "$READY" ] && [ -x "$ROOT/usr/lib/rabbitmq/bin/rabbitmq-server" ]; then
  [ "$(id -u)" = 0 ] && mount_kernel_fs
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "RabbitMQ 4.0 root missing at $ROOT and not root: 4.0 tests will skip. Run: sudo bash scripts/ensure-broker4.sh" >&2
  exit 0
fi
if ! command -v debootstrap >/dev/null; then
  echo "--- installing debootstrap (builds the RabbitMQ 4.0 root)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq debootstrap </dev/null
fi

mkdir -p "$(dirname "$ROOT")"
exec 9>"$ROOT.lock"
flock 9
if [ ! -f "$READY" ]; then
  echo "--- building the RabbitMQ 4.0 root (Debian trixie) in $ROOT, once per machine"
  BUILD="$ROOT.build"
  # A previous interrupted build may have left mounts behind; undo them before removing.
  for m in proc dev; do mountpoint -q "$BUILD/$m" 2>/dev/null && umount "$BUILD/$m"; done
  for m in proc dev; do mountpoint -q "$ROOT/$m" 2>/dev/null && umount "$ROOT/$m"; done
  rm -rf --one-file-system "$BUILD" "$ROOT"
  if ! debootstrap --variant=minbase --include=rabbitmq-server trixie "$BUILD" "$MIRROR" >"$ROOT.build.log" 2>&1; then
    echo "debootstrap failed (see $ROOT.build.log): the RabbitMQ 4.0 tests will skip, or fail under CI=true" >&2
    # Outside CI the 3.10 suite still runs; in CI the 4.0 tests then fail on the missing root.
    exit 0
  fi
  mv "$BUILD" "$ROOT"
  touch "$READY"
fi
mount_kernel_fs
