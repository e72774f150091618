// The errors a new user meets in the first hour, against a real broker, each with its exact
// message: a user without the administrator tag, an AMQP endpoint that does not answer while apply
// takes its lock (not E_LOCKED: CI retries on that), the user warren connects as removed from the
// spec, a saved plan written 0600 and applied twice, and a prompt that holds the lock too long.
import { closedPort } from '../support/closed-port.js';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { applyCommand } from '../../src/cli/commands/apply.js';
import type { CommandIo } from '../../src/cli/io.js';
import { exitCodeFor, reportFailure } from '../../src/cli/exit.js';
import { type BrokerHandle, skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import type { Api } from '../support/management.js';

const skip = skipUnlessBroker();


describe('first-hour errors', { skip }, () => {
  const suite = new BrokerSuite();
  let broker: BrokerHandle;
  let a: Api;
  before(() => ({ broker, api: a } = suite));

  test('a user without the administrator tag is told which tag it lacks and which commands need it', async () => {
    await a.put(['users', 'watcher'], { password: 'watcher-pw', tags: 'monitoring' });
    await a.put(['permissions', '/', 'watcher'], { configure: '.*', write: '.*', read: '.*' });
    const stack = suite.stack('tags', { WARREN_USERNAME: 'watcher', WARREN_PASSWORD: 'watcher-pw' });
    stack.write({ vhosts: { tags: { queues: { q: {} } } } });
    const r = await stack.cli(['plan', '{dir}']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.split('\n').filter((l) => l.includes('error ')).join('\n'),
      `${broker.managementUrl}: error E_AUTH: user watcher logged in, but lacks the administrator tag that GET /api/users needs ("Not administrator user"). plan, apply and export read every user, vhost, permission and policy, and apply writes them and the ownership records: all need the administrator tag (validate and plan --live need no broker). Give it: rabbitmqctl set_user_tags watcher administrator (listing its other tags too)`,
    );
  });

  test('misspelt policy and argument keys stop apply before anything is written, each with a did-you-mean', async () => {
    const stack = suite.stack('typos');
    stack.write({
      vhosts: {
        typos: {
          queues: { q: { arguments: { 'x-dead-leter-exchange': 'dlx' } } },
          policies: { p: { pattern: '^q$', definition: { 'mesage-ttl': 5 } } },
        },
      },
    });
    const before = JSON.stringify(await a.get(['definitions']));
    const r = await stack.cli(['apply', '{dir}', '--auto-approve']);
    assert.equal(r.code, 1);
    const errors = r.stderr.split('\n').filter((l) => l.includes(' error ')).map((l) => l.replace(/^.*spec\.yaml:/, 'spec.yaml:'));
    assert.deepEqual(errors, [
      'spec.yaml:8:11: error E_ARGUMENT: vhosts.typos.queues.q.arguments.x-dead-leter-exchange: unknown queue argument `x-dead-leter-exchange`; did you mean `x-dead-letter-exchange`?',
      'spec.yaml:13:11: error E_ARGUMENT: vhosts.typos.policies.p.definition.mesage-ttl: unknown policy key `mesage-ttl`: the broker refuses a definition with it; did you mean `message-ttl`?',
    ]);
    assert.equal(JSON.stringify(await a.get(['definitions'])), before, 'the broker is untouched');
  });

  test('an AMQP endpoint that does not answer while apply takes its lock is E_CONNECT, not E_LOCKED; nothing is written', async () => {
    const port = await closedPort();
    const stack = suite.stack('nolock', { WARREN_AMQP_URL: `amqp://127.0.0.1:${port}` });
    stack.write({ vhosts: { nolock: { queues: { q: {} } } } });
    const r = await stack.cli(['apply', '{dir}', '--auto-approve']);
    assert.equal(r.code, 1);
    const line = r.stderr.split('\n').find((l) => l.includes(' error ')) ?? '';
    assert.match(line, /^amqp:\/\/127\.0\.0\.1:\d+: error E_CONNECT: could not take the lock of the stack: no AMQP connection to vhost \/ \(.*ECONNREFUSED.*\)\. apply takes its lock over AMQP as the target's user: give --amqp or WARREN_AMQP_URL, and let the user connect to vhost \/$/);
    assert.doesNotMatch(r.stderr, /E_LOCKED/);
    assert.equal(await a.get(['vhosts', 'nolock']), undefined);
  });

  test('removing the user warren connects as from the spec plans a warning with the reason, not a silent "No changes"', async () => {
    await a.put(['users', 'deployer'], { password: 'deployer-pw', tags: 'administrator' });
    await a.put(['permissions', '/', 'deployer'], { configure: '.*', write: '.*', read: '.*' });
    const stack = suite.stack('self', { WARREN_USERNAME: 'deployer', WARREN_PASSWORD: 'deployer-pw' });
    const declared = { password: 'deployer-pw', tags: ['administrator'], permissions: { '/': { configure: '.*', write: '.*', read: '.*' } } };
    stack.write({ vhosts: { self: { queues: { q: {} } } }, users: { deployer: declared } });
    await stack.applyOk();
    stack.write({ vhosts: { self: { queues: { q: {} } } } });
    const r = await stack.plan();
    assert.equal(r.code, 0, 'nothing is deleted');
    assert.equal(
      r.stdout,
      'warning W_PRUNE: user deployer is not deleted although the spec no longer declares it: warren connects as deployer, and deleting it would lock warren out part way. Delete it by hand, or apply as another user.\n' +
        'warning W_PRUNE: permission deployer@/ is not deleted although the spec no longer declares it: warren connects as deployer, and deleting it would lock warren out part way. Delete it by hand, or apply as another user.\n' +
        '\n' +
        'No changes. The broker matches the spec (2 objects).\n',
    );
    assert.equal(await a.whoami('deployer', 'deployer-pw'), 200);
  });

  test('a saved plan is written 0600; applied a second time it says "already applied", not "stale"', async () => {
    const stack = suite.stack('twice');
    stack.write({ vhosts: { twice: { queues: { q: {} } } }, users: { 'twice-svc': { password: 'twice-pw', permissions: { twice: { read: '.*' } } } } });
    const file = join(stack.dir, '..', `twice-${process.pid}.plan.json`);
    assert.equal((await stack.cli(['plan', '{dir}', '-o', file])).code, 0);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'it holds the new password hash');
    assert.match(readFileSync(file, 'utf8'), /password_hash/);
    const first = await stack.cli(['apply', file]);
    assert.equal(first.code, 0, first.stderr);
    const second = await stack.cli(['apply', file]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, `Plan ${file} was already applied: the broker has every change it makes, and stack twice owns what it records. Nothing was changed; make a new plan to see what is left to do.\n`);
    assert.doesNotMatch(second.stderr, /stale/);
    // A plan whose changes someone undid is stale again, not "applied".
    await a.del(['queues', 'twice', 'q']);
    const third = await stack.cli(['apply', file]);
    assert.equal(third.code, 1);
    assert.match(third.stderr, /error E_STALE_PLAN: plan is stale: /);
  });

  test('--lock-timeout: a prompt nobody answers gives the lock back, and the next apply gets it', async () => {
    const stack = suite.stack('prompt');
    stack.write({ vhosts: { prompt: { queues: { q: {} } } } });
    let stderr = '';
    const io: CommandIo = {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      env: { NO_COLOR: '1' },
      progress: (line) => (stderr += `${line}\n`),
      // Someone who walked away: never answers, until the prompt is given up.
      ask: (_q, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    };
    let code: number;
    try {
      code = exitCodeFor(await applyCommand({ paths: [stack.dir], env: stack.env, connection: {}, prune: 'managed', autoApprove: false, allowDataLoss: false, concurrency: 8, lockTimeoutMs: 1000 }, io));
    } catch (err) {
      code = reportFailure(err, (line) => (stderr += `${line}\n`));
    }
    assert.equal(code, 1);
    assert.match(stderr, /error E_ABORTED: no answer within 1s \(--lock-timeout\): apply cancelled and the lock of stack prompt released; nothing was changed\n/);
    assert.equal(await a.get(['vhosts', 'prompt']), undefined);
    await stack.applyOk();
    await stack.assertPlanEmpty();
  });
});
