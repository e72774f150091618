#!/usr/bin/env bash
# Runs before `npm test`: the integration tests start real RabbitMQ nodes from Debian's
# rabbitmq-server package. Installs it when it is missing and we are root on Debian; otherwise
# says how (the tests then skip, except under CI=true, where a missing broker fails them).
set -euo pipefail
if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "--- installing rabbitmq-server (Debian package) for the integration tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq rabbitmq-server </dev/null
else
  echo "rabbitmq-server is not installed: integration tests will skip. Install it with: sudo apt-get install -y rabbitmq-server" >&2
fi
