// `${VAR}` values are needed only where they are used: `validate` needs none, `plan --target T`
// needs T's and the planned objects', never another target's; a missing one is named with its
// file:line:col, and a secret never gets a default suggested.
import { closedPort } from '../support/closed-port.js';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { planCommand } from '../../src/cli/commands/plan.js';
import { renderCommand } from '../../src/cli/commands/render.js';
import { validateCommand } from '../../src/cli/commands/validate.js';
import { runInProcess } from '../support/warren-stack.js';
import { HEAD, load, writeSpecDir } from './spec-helpers.js';


const spec = (port: number): string =>
  `${HEAD}targets:
  local:
    management: http://127.0.0.1:${port}
    username: \${LOCAL_USER}
    password: \${LOCAL_PASSWORD}
  staging:
    management: \${STAGING_MANAGEMENT_URL}
    username: deploy
    password: \${STAGING_RABBITMQ_PASSWORD}
    tls:
      passphrase: \${STAGING_KEY_PASSPHRASE}
vhosts:
  v:
    description: team \${TEAM}
users:
  svc:
    password: \${SVC_PASSWORD}
`;

const planIn = (dir: string, env: Record<string, string>, target?: string) =>
  runInProcess((io) => planCommand({ paths: [dir], env, connection: { target }, prune: 'managed', format: 'text', detailedExitCode: false }, io));

test('validate passes with every variable unset, secrets and URLs included', async () => {
  const dir = writeSpecDir({ 'spec.yaml': spec(15672) });
  const r = await runInProcess((io) => validateCommand([dir], { ...io, cwd: '.' }));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 file, 1 vhost, 2 objects valid/);
  assert.equal(r.stderr, '');
  // The loader keeps them, with their places, for the commands that need them.
  assert.deepEqual(
    load(spec(15672)).unresolved.map((v) => `${v.name} ${v.origin.line}:${v.origin.col}`),
    ['LOCAL_USER 6:15', 'LOCAL_PASSWORD 7:15', 'STAGING_MANAGEMENT_URL 9:17', 'STAGING_RABBITMQ_PASSWORD 11:15', 'STAGING_KEY_PASSPHRASE 13:19', 'TEAM 16:23', 'SVC_PASSWORD 19:15'],
  );
});

test("plan --target local needs local's variables and the objects', never staging's", async () => {
  const dir = writeSpecDir({ 'spec.yaml': spec(await closedPort()) });
  const env = { LOCAL_USER: 'u', LOCAL_PASSWORD: 'local-secret', TEAM: 'a', SVC_PASSWORD: 'svc-secret' };
  const r = await planIn(dir, env, 'local');
  // Every variable it needs was there: it went on to connect (and found nothing listening).
  assert.equal((r.error as { code?: string }).code, 'E_CONNECT', r.stderr);
  assert.doesNotMatch(r.stderr, /STAGING|local-secret|svc-secret/);
  // The first target is the default: the same without --target.
  assert.equal(((await planIn(dir, env)).error as { code?: string }).code, 'E_CONNECT');
});

test('a missing variable that is needed is named, with its file:line:col and what needs it; a secret gets no default suggested', async () => {
  const dir = writeSpecDir({ 'spec.yaml': spec(await closedPort()) });
  const file = join(dir, 'spec.yaml');
  const r = await planIn(dir, { LOCAL_USER: 'u', TEAM: 'a' }, 'local');
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `${file}:7:15: error E_ENV: environment variable LOCAL_PASSWORD is not set: targets.local.password needs it to plan (a secret: set it in the environment)\n` +
      `${file}:19:15: error E_ENV: environment variable SVC_PASSWORD is not set: users.svc.password needs it to plan (a secret: set it in the environment)\n`,
  );
  const staging = await planIn(dir, { LOCAL_USER: 'u', LOCAL_PASSWORD: 'p', TEAM: 'a', SVC_PASSWORD: 's' }, 'staging');
  assert.deepEqual(staging.stderr.split('\n').filter(Boolean).map((l) => l.slice(file.length)), [
    ':9:17: error E_ENV: environment variable STAGING_MANAGEMENT_URL is not set: targets.staging.management needs it to plan (a secret: set it in the environment)',
    ':11:15: error E_ENV: environment variable STAGING_RABBITMQ_PASSWORD is not set: targets.staging.password needs it to plan (a secret: set it in the environment)',
    ':13:19: error E_ENV: environment variable STAGING_KEY_PASSPHRASE is not set: targets.staging.tls.passphrase needs it to plan (a secret: set it in the environment)',
  ]);
  // A value that is not a secret may have a default.
  const team = await planIn(dir, { LOCAL_USER: 'u', LOCAL_PASSWORD: 'p', SVC_PASSWORD: 's' }, 'local');
  assert.equal(team.stderr, `${file}:16:23: error E_ENV: environment variable TEAM is not set: vhosts.v.description needs it to plan (set it, or write a default: \`\${TEAM:-value}\`)\n`);
});

test('what flags or WARREN_* give instead is not needed from the spec; plan --live and render need no target at all', async () => {
  const port = await closedPort();
  const dir = writeSpecDir({ 'spec.yaml': spec(port) });
  const objects = { TEAM: 'a', SVC_PASSWORD: 's' };
  const viaEnv = await planIn(dir, { ...objects, WARREN_USERNAME: 'u', WARREN_PASSWORD: 'p', WARREN_MANAGEMENT_URL: `http://127.0.0.1:${port}` }, 'staging');
  assert.match(viaEnv.stderr, /E_ENV: environment variable STAGING_KEY_PASSPHRASE is not set/, 'TLS settings have no override');
  assert.doesNotMatch(viaEnv.stderr, /STAGING_MANAGEMENT_URL|STAGING_RABBITMQ_PASSWORD/);
  const live = writeSpecDir({ 'defs.json': '{"vhosts": [{"name": "v"}]}' });
  const offline = await runInProcess((io) => planCommand({ paths: [dir], env: objects, connection: {}, prune: 'managed', liveFile: join(live, 'defs.json'), format: 'text', detailedExitCode: false }, io));
  assert.equal(offline.code, 0, offline.stderr);
  const rendered = await runInProcess((io) => renderCommand({ paths: [dir], env: {}, format: 'definitions' }, io));
  assert.equal(rendered.code, 1);
  assert.match(rendered.stderr, /spec\.yaml:19:15: error E_ENV: environment variable SVC_PASSWORD is not set: users\.svc\.password needs it to render \(a secret/);
  assert.doesNotMatch(rendered.stderr, /LOCAL|STAGING/);
});
