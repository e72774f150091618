#!/usr/bin/env bash
# `npm test` after the build: the unit tests and the whole integration suite on RabbitMQ 3.10,
# plus the files that matter most across versions (plan/apply, export/render, corpus conformance,
# TLS) on RabbitMQ 4.0, in two streams side by side so both cores are used:
#   stream 1: the unit tests and most 3.10 integration files;
#   stream 2 (lines prefixed [2]): the 4.0 part, then the 3.10 files in SECOND_310.
# SECOND_310 holds long files that do not time faults (so sharing the cores cannot make them
# flaky); it balances the streams: one stream alone took 10.8 minutes (645 s of 3.10 tests beside
# a 127 s 4.0 part). The exit code is the worse of the two streams.
# `scripts/run-tests.sh 4.0` runs the 4.0 part alone (npm run test:4).
set -uo pipefail
cd "$(dirname "$0")/.."
FOR_4=(dist/test/integration/plan-apply-*.test.js dist/test/integration/export-render.test.js dist/test/integration/conformance.test.js dist/test/integration/tls.test.js)
SECOND_310=(dist/test/integration/conformance.test.js dist/test/integration/read-broker.test.js dist/test/integration/broker-writer.test.js dist/test/integration/explain-live.test.js)

run_4() { WARREN_TEST_BROKER=4.0 node --test --test-concurrency=1 "${FOR_4[@]}"; }

if [ "${1:-}" = 4.0 ]; then run_4; exit $?; fi

# The fault and crash files go last in stream 1: they time SIGSTOPs, kills and deadlines, and by
# then stream 2 has (about) finished, so they run on the cores alone, as they did before.
LAST_310=(dist/test/integration/migrate-crash.test.js dist/test/integration/faults.test.js)
FIRST_310=()
for f in dist/test/integration/*.test.js; do
  case " ${SECOND_310[*]} ${LAST_310[*]} " in *" $f "*) ;; *) FIRST_310+=("$f") ;; esac
done
FIRST_310+=("${LAST_310[@]}")

run_second() {
  run_4
  local rc4=$?
  node --test --test-concurrency=1 "${SECOND_310[@]}"
  local rc=$?
  echo "--- stream 2: RabbitMQ 4.0 (${#FOR_4[@]} files) exit $rc4; RabbitMQ 3.10 (${#SECOND_310[@]} files) exit $rc"
  [ "$rc4" = 0 ] && [ "$rc" = 0 ]
}

run_second > >(sed -u 's/^/[2] /') 2>&1 &
pid2=$!
node --test --test-concurrency=1 dist/test/unit/ "${FIRST_310[@]}"
rc1=$?
wait "$pid2"
rc2=$?
echo "--- stream 1: unit tests and RabbitMQ 3.10 (${#FIRST_310[@]} integration files) exit $rc1; stream 2 exit $rc2"
[ "$rc1" = 0 ] && [ "$rc2" = 0 ]
