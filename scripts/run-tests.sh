#!/usr/bin/env bash
# `npm test` after the build: the unit tests and the whole integration suite on RabbitMQ 3.10,
# and beside it, at the same time, the files that matter most across versions on RabbitMQ 4.0
# (plan/apply, export/render round trips, corpus conformance, TLS). Run one after the other they
# took about nine minutes on two cores; side by side, see README "RabbitMQ versions". The 4.0
# lines are prefixed with [4.0]; the exit code is the worse of the two runs.
# `scripts/run-tests.sh 4.0` runs the 4.0 part alone (npm run test:4).
set -uo pipefail
cd "$(dirname "$0")/.."
FOR_4=(dist/test/integration/plan-apply-*.test.js dist/test/integration/export-render.test.js dist/test/integration/conformance.test.js dist/test/integration/tls.test.js)

run_4() { WARREN_TEST_BROKER=4.0 node --test --test-concurrency=1 "${FOR_4[@]}"; }

if [ "${1:-}" = 4.0 ]; then run_4; exit $?; fi

run_4 > >(sed -u 's/^/[4.0] /') 2>&1 &
pid4=$!
node --test --test-concurrency=1 dist/test/unit/ dist/test/integration/
rc310=$?
wait "$pid4"
rc4=$?
echo "--- RabbitMQ 3.10: whole suite exit $rc310; RabbitMQ 4.0: ${#FOR_4[@]} files exit $rc4"
[ "$rc310" = 0 ] && [ "$rc4" = 0 ]
