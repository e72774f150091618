// The secrets suite (issue 9): one distinctive secret, `Zq7...`, given through every input path
// warren has (a spec's password, the environment, a flag, URL user info, a definitions file, a TLS
// passphrase), then every command and error path run as a user runs them (`node bin/warren.js`
// against a real broker), and every stdout, stderr and written file grepped for it. The secret is
// the broker's real admin password, so the success paths really connect with it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { skipUnlessBroker } from '../harness/broker.js';
import { BrokerSuite } from '../support/broker-suite.js';
import { TestPki } from '../support/certs.js';

const skip = skipUnlessBroker();
const WARREN_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'warren.js');

/** Every secret below contains this; nothing warren prints or writes may. */
const MARK = 'Zq7';
const ADMIN_PASSWORD = `${MARK}-admin-Secret`;
const USER_PASSWORD = `${MARK}-user-Secret`;
const SLASH_PASSWORD = `${MARK}/slash-Secret`;
const PASSPHRASE = `${MARK}-tls-Passphrase`;

interface Run {
  name: string;
  code: number;
  stdout: string;
  stderr: string;
}

describe('secrets never reach output, errors or written files', { skip }, () => {
  const suite = new BrokerSuite();
  const runs: Run[] = [];
  let work = '';
  let out = '';
  let pki: TestPki | undefined;
  let mgmt = '';
  let amqp = '';

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'warren-secrets-'));
    out = join(work, 'out');
    mkdirSync(out);
    await suite.api.put(['users', 'admin'], { password: ADMIN_PASSWORD, tags: 'administrator' });
    await suite.api.put(['permissions', '/', 'admin'], { configure: '.*', write: '.*', read: '.*' });
    mgmt = suite.broker.managementUrl;
    amqp = suite.broker.amqpUrl.replace(/\/\/[^@/]*@/, '//');
  });
  after(() => {
    pki?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const withCreds = (url: string, password = ADMIN_PASSWORD): string => url.replace('://', `://admin:${encodeURIComponent(password)}@`);

  /** A spec folder of its own; `body` follows `version` and `stack`. */
  function spec(name: string, body: string): string {
    const dir = join(work, 'specs', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'spec.yaml'), `version: 1\nstack: secrets\n${body}`);
    return dir;
  }

  const SPEC_BODY = () =>
    `vhosts:\n  sv:\n    description: kept\n    queues: {q: {}}\nusers:\n  svc:\n    password: ${USER_PASSWORD}\n    permissions:\n      sv: {configure: ".*", write: ".*", read: ".*"}\n`;

  /** `node bin/warren.js` with exactly this environment (no WARREN_* of the test process). */
  async function warren(name: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
    const base: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], NO_COLOR: '1' };
    const run = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [WARREN_BIN, ...args], { cwd: work, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ name, code: code ?? -1, stdout, stderr }));
    });
    runs.push(run);
    assert.ok(!run.stdout.includes(MARK), `${name}: the secret is on stdout:\n${run.stdout}`);
    assert.ok(!run.stderr.includes(MARK), `${name}: the secret is on stderr:\n${run.stderr}`);
    assert.doesNotMatch(run.stderr, /E_INTERNAL|\n\s+at /, `${name}: a crash:\n${run.stderr}`);
    return run;
  }

  /** A run that must fail with this code. */
  async function fails(name: string, args: string[], env: Record<string, string>, code: RegExp): Promise<Run> {
    const run = await warren(name, args, env);
    assert.equal(run.code, 1, `${name}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, code, `${name}:\n${run.stderr}`);
    return run;
  }

  async function succeeds(name: string, args: string[], env: Record<string, string>): Promise<Run> {
    const run = await warren(name, args, env);
    assert.ok(run.code === 0 || run.code === 2, `${name}: exit ${run.code}\n${run.stdout}\n${run.stderr}`);
    return run;
  }

  test('success paths: the secret as a spec password, in env, in a flag URL and in the spec target URL', async () => {
    const env = { WARREN_MANAGEMENT_URL: mgmt, WARREN_AMQP_URL: amqp, WARREN_USERNAME: 'admin', WARREN_PASSWORD: ADMIN_PASSWORD };
    const dir = spec('main', SPEC_BODY());
    await succeeds('validate', ['validate', dir], {});
    await succeeds('plan (env)', ['plan', dir], env);
    await succeeds('plan json', ['plan', dir, '--format', 'json'], env);
    await succeeds('plan markdown -o', ['plan', dir, '--format', 'markdown', '-o', join(out, 'plan.json')], env);
    await succeeds('apply saved plan', ['apply', join(out, 'plan.json'), '--auto-approve'], env);
    // The flag carries the credentials in its URL; the AMQP URL comes from the environment.
    await succeeds('plan (flag URL)', ['plan', dir, '--management', withCreds(mgmt)], { WARREN_AMQP_URL: amqp });
    // The spec's own target: credentials in the URL, the password from the environment.
    const target = spec('target', `targets:\n  t:\n    management: "${mgmt.replace('://', '://admin:${PW}@')}"\n    amqp: "${amqp.replace('://', '://admin:${PW}@')}"\n${SPEC_BODY()}`);
    await succeeds('apply (spec target URL, env)', ['apply', target, '--auto-approve'], { PW: ADMIN_PASSWORD });
    await succeeds('plan after apply', ['plan', target, '--detailed-exitcode'], { PW: ADMIN_PASSWORD });
    await succeeds('export stdout', ['export'], env);
    await succeeds('export file', ['export', '-o', join(out, 'export.yaml')], env);
    await succeeds('export folder', ['export', '-o', join(out, 'export-dir')], env);
    await succeeds('render stdout', ['render', dir], {});
    await succeeds('render file', ['render', dir, '-o', join(out, 'rendered.json')], {});
    await succeeds('schema', ['schema'], {});
  });

  test('broker error paths: wrong password, unreachable endpoint, refused request', async () => {
    const dir = spec('errors', SPEC_BODY());
    await fails('wrong password', ['plan', dir], { WARREN_MANAGEMENT_URL: mgmt, WARREN_USERNAME: 'admin', WARREN_PASSWORD: `${MARK}-wrong` }, /E_AUTH/);
    await fails('wrong password in flag URL', ['plan', dir, '--management', withCreds(mgmt, `${MARK}-wrong`)], {}, /E_AUTH/);
    await fails('unreachable', ['plan', dir, '--management', withCreds('http://127.0.0.1:9')], {}, /E_CONNECT/);
    await fails('amqp unreachable', ['apply', dir, '--auto-approve'], { WARREN_MANAGEMENT_URL: mgmt, WARREN_AMQP_URL: withCreds('amqp://127.0.0.1:9'), WARREN_USERNAME: 'admin', WARREN_PASSWORD: ADMIN_PASSWORD }, /E_CONNECT|E_LOCKED/);
  });

  test('URLs that do not parse: a password with a slash, in the spec, in ${VAR}, in a flag and in WARREN_MANAGEMENT_URL', async () => {
    const bad = mgmt.replace('://', `://admin:${SLASH_PASSWORD}@`);
    const inSpec = spec('slash', `targets:\n  t:\n    management: "${bad}"\n    username: admin\n${SPEC_BODY()}`);
    const viaVar = spec('slash-var', `targets:\n  t:\n    management: "\${RABBIT_URL}"\n${SPEC_BODY()}`);
    const plain = spec('slash-plain', SPEC_BODY());
    await fails('slash in the spec (validate)', ['validate', inSpec], {}, /error E_/);
    await fails('slash in the spec (plan)', ['plan', inSpec], {}, /error E_/);
    await fails('slash in ${RABBIT_URL}', ['plan', viaVar], { RABBIT_URL: bad }, /error E_/);
    await fails('slash in --management', ['plan', plain, '--management', bad], {}, /error E_/);
    await fails('slash in WARREN_MANAGEMENT_URL', ['plan', plain], { WARREN_MANAGEMENT_URL: bad }, /error E_/);
    await fails('slash in export --management', ['export', '--management', bad], {}, /error E_/);
  });

  test('spec error paths on the lines that hold the secret', async () => {
    const cases: [string, string, RegExp][] = [
      ['malformed ${} default in a password', `users:\n  u: {password: "\${PW-X:-${USER_PASSWORD}}"}\n`, /E_ENV/],
      ['malformed ${} default in URL user info', `targets:\n  t: {management: "http://admin:\${A-B:-${USER_PASSWORD}}@localhost:15672"}\n`, /E_ENV/],
      ['malformed ${} default in a TLS passphrase', `targets:\n  t: {management: "https://localhost:15671", tls: {passphrase: "\${X-Y:-${PASSPHRASE}}"}}\n`, /E_ENV/],
      ['YAML error on the password line', `users:\n  u: {password: ${USER_PASSWORD} }}\n`, /E_YAML/],
      ['schema error beside the password', `users:\n  u: {password: ${USER_PASSWORD}, tags: {a: 1}}\n`, /E_SCHEMA/],
      ['password as a list', `users:\n  u: {password: [${USER_PASSWORD}]}\n`, /E_SCHEMA/],
      ['password and hash both', `users:\n  u: {password: ${USER_PASSWORD}, password_hash: abc}\n`, /error E_/],
    ];
    for (const [name, body, code] of cases) {
      const dir = spec(name.replace(/\W+/g, '-'), body);
      await fails(`validate: ${name}`, ['validate', dir], {}, code);
      await fails(`render: ${name}`, ['render', dir], {}, code);
    }
    // validate and render never need a target's variables (issue 15): plan does, and says which.
    const missing = spec('missing-variable', `targets:\n  t: {management: "http://admin:${ADMIN_PASSWORD}@localhost:15672/\${NOPE}"}\n`);
    await fails('plan: a missing variable next to the secret', ['plan', missing], {}, /E_ENV.*NOPE/);
  });

  test('definitions files: a plain password read, exported and planned; a syntax error beside it', async () => {
    const defs = join(work, 'defs.json');
    writeFileSync(defs, JSON.stringify({ vhosts: [{ name: 'sv' }], users: [{ name: 'svc', password: USER_PASSWORD, tags: '' }], permissions: [{ user: 'svc', vhost: 'sv', configure: '.*', write: '.*', read: '.*' }] }));
    const dir = spec('defs', SPEC_BODY());
    await succeeds('plan --live', ['plan', dir, '--live', defs], {});
    await succeeds('plan --live -o', ['plan', dir, '--live', defs, '-o', join(out, 'live-plan.json')], {});
    await succeeds('export --from', ['export', '--from', defs], {});
    await succeeds('export --from -o', ['export', '--from', defs, '-o', join(out, 'from-defs.yaml')], {});
    const broken = join(work, 'broken.json');
    writeFileSync(broken, `{"users":[{"name":"svc","password":"${USER_PASSWORD}" "tags":""}]}`);
    await fails('definitions syntax error', ['plan', dir, '--live', broken], {}, /E_LIVE_FILE/);
    await fails('definitions syntax error (export)', ['export', '--from', broken], {}, /E_LIVE_FILE/);
    writeFileSync(broken, `{"users":[{"name":"svc","password":"${USER_PASSWORD}`);
    await fails('definitions cut short', ['export', '--from', broken], {}, /E_LIVE_FILE/);
  });

  test('TLS passphrase: a wrong passphrase for the key, and a TLS handshake that fails', async () => {
    pki = new TestPki();
    const client = pki.leaf('client', { cn: 'client', days: 30, passphrase: 'another-passphrase' });
    const tls = `    tls: {ca: "${pki.path('ca.pem')}", cert: "${client.cert}", key: "${client.key}", passphrase: "\${TLS_PASS}"}\n`;
    const wrongKey = spec('tls-key', `targets:\n  t:\n    management: "${mgmt.replace('http://', 'https://')}"\n    username: admin\n    password: "\${PW}"\n${tls}${SPEC_BODY()}`);
    await fails('wrong passphrase', ['plan', wrongKey], { TLS_PASS: PASSPHRASE, PW: ADMIN_PASSWORD }, /error E_(TLS|IO)/);
    const rightKey = pki.leaf('client2', { cn: 'client', days: 30, passphrase: PASSPHRASE });
    const handshake = spec('tls-handshake', `targets:\n  t:\n    management: "${mgmt.replace('http://', 'https://')}"\n    username: admin\n    password: "\${PW}"\n    tls: {ca: "${pki.path('ca.pem')}", cert: "${rightKey.cert}", key: "${rightKey.key}", passphrase: "\${TLS_PASS}"}\n${SPEC_BODY()}`);
    await fails('TLS to a plain HTTP port', ['plan', handshake], { TLS_PASS: PASSPHRASE, PW: ADMIN_PASSWORD }, /error E_(TLS|CONNECT)/);
    await succeeds('validate with a passphrase', ['validate', handshake], { TLS_PASS: PASSPHRASE, PW: ADMIN_PASSWORD });
  });

  test('every file warren wrote, and the broker itself, hold no secret', async () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(out);
    assert.ok(files.length >= 6, `expected the outputs written above, found ${files.join(', ')}`);
    for (const file of files) assert.ok(!readFileSync(file, 'utf8').includes(MARK), `${file} holds the secret`);
    const definitions = JSON.stringify(await suite.api.get(['definitions']));
    assert.ok(definitions.includes('svc'), 'the applies above reached the broker');
    assert.ok(!definitions.includes(MARK), 'the broker holds the secret in clear');
    assert.ok(runs.length >= 40, `${runs.length} runs`);
  });
});
