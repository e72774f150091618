// Which targets `--target` names, and the exit code of several: the worst of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeFor, worstOutcome } from '../../src/cli/exit.js';
import type { Target } from '../../src/model/target.js';
import { namesSeveralTargets, selectTargets } from '../../src/workflow/select-targets.js';

const t = (name: string): Target => ({ name, management: [`http://${name}:15672`], amqp: [] }) as unknown as Target;
const spec = [t('eu'), t('us'), t('ap')];

test('all, or a comma list, names several targets; one name does not', () => {
  assert.equal(namesSeveralTargets('all'), true);
  assert.equal(namesSeveralTargets('eu,us'), true);
  assert.equal(namesSeveralTargets('eu'), false);
  assert.equal(namesSeveralTargets(undefined), false);
});

test('all is the spec order; a list keeps the order given', () => {
  assert.deepEqual(selectTargets('all', spec, {}, {}), ['eu', 'us', 'ap']);
  assert.deepEqual(selectTargets('ap, eu', spec, {}, {}), ['ap', 'eu']);
});

test('unknown, repeated and missing targets are E_TARGET errors', () => {
  assert.throws(() => selectTargets('eu,mars', spec, {}, {}), { code: 'E_TARGET', message: /no target mars \(known: eu, us, ap\)/ });
  assert.throws(() => selectTargets('eu,eu', spec, {}, {}), { code: 'E_TARGET', message: /eu is named twice/ });
  assert.throws(() => selectTargets('all', [], {}, {}), { code: 'E_TARGET', message: /the spec has no targets/ });
});

test('a flag or variable that would send every target to one broker is refused', () => {
  assert.throws(() => selectTargets('all', spec, { management: 'http://x' }, {}), { code: 'E_TARGET', message: /--management would send every target to one broker/ });
  assert.throws(() => selectTargets('all', spec, {}, { WARREN_AMQP_URL: 'amqp://x' }), { code: 'E_TARGET', message: /WARREN_AMQP_URL would/ });
  // Credentials from the environment are fine: one admin user across clusters is common.
  assert.deepEqual(selectTargets('eu,us', spec, {}, { WARREN_PASSWORD: 'p', WARREN_USERNAME: 'u' }), ['eu', 'us']);
});

test('the exit code of several targets is the worst: error, then changes, then none', () => {
  const ok = { kind: 'ok' } as const;
  const changes = { kind: 'changes-pending', detailedExitCode: true } as const;
  const failed = { kind: 'failed' } as const;
  assert.equal(exitCodeFor(worstOutcome([ok, changes, ok])), 2);
  assert.equal(exitCodeFor(worstOutcome([changes, failed, ok])), 1);
  assert.equal(exitCodeFor(worstOutcome([ok, ok])), 0);
  assert.equal(exitCodeFor(worstOutcome([{ kind: 'changes-pending', detailedExitCode: false }])), 0);
});
