// Drives warren against a test broker the way a user does: a spec written into a temp dir, then
// `plan` / `apply` either in-process (planCommand/applyCommand with a captured CommandIo) or as a
// spawned `node bin/warren.js`. Both give the exit code the CLI would give, plus stdout and stderr.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { applyCommand } from '../../src/cli/commands/apply.js';
import { planCommand, type PlanFormat } from '../../src/cli/commands/plan.js';
import { exitCodeFor, reportFailure, type Outcome } from '../../src/cli/exit.js';
import type { CommandIo } from '../../src/cli/io.js';
import type { PruneMode } from '../../src/plan/index.js';
import type { BrokerHandle } from '../harness/broker.js';

/** From dist/test/support back to the repository's bin/warren.js. */
export const WARREN_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'warren.js');

export interface RunResult {
  /** The exit code the CLI gives (in-process: through the same mapping as bin/warren.js). */
  code: number;
  stdout: string;
  stderr: string;
  /** In-process runs only: the outcome, or the error the command threw. */
  outcome?: Outcome | undefined;
  error?: unknown;
}

export interface PlanOptions {
  prune?: PruneMode;
  format?: PlanFormat;
  liveFile?: string;
  /** Default true: exit 2 when changes are pending. */
  detailedExitCode?: boolean;
}

export interface ApplyOptions {
  prune?: PruneMode;
  allowDataLoss?: boolean;
  /** Requests in flight; by default what `warren apply` uses. */
  concurrency?: number;
}

/** The connection environment for the test node: AMQP without credentials in the URL. */
export function brokerEnv(broker: BrokerHandle, user: string = broker.username, password: string = broker.password): Record<string, string> {
  return {
    WARREN_MANAGEMENT_URL: broker.managementUrl,
    WARREN_AMQP_URL: broker.amqpUrl.replace(/\/\/[^@/]*@/, '//'),
    WARREN_USERNAME: user,
    WARREN_PASSWORD: password,
  };
}

/** One stack's spec in its own temp dir. `write` replaces the whole spec each time. */
export class SpecStack {
  readonly dir: string;
  readonly env: Record<string, string>;

  constructor(
    readonly broker: BrokerHandle,
    readonly stack: string,
    env: Record<string, string> = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `warren-spec-${stack.replace(/[^a-z0-9-]/gi, '_')}-`));
    this.env = { ...brokerEnv(broker), ...env };
  }

  /** Writes the spec (`version` and `stack` are added) as YAML; the dir holds only this file afterwards. */
  write(body: Record<string, unknown>, file = 'spec.yaml'): string {
    for (const f of readdirSync(this.dir)) rmSync(join(this.dir, f), { recursive: true, force: true });
    return this.writeFile(file, stringify({ version: 1, stack: this.stack, ...body }));
  }

  /** Writes any file into the spec's dir (extra spec files, definitions exports) and returns its path. */
  writeFile(file: string, text: string): string {
    const path = join(this.dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  async plan(options: PlanOptions = {}): Promise<RunResult> {
    const detailed = options.detailedExitCode ?? true;
    return runInProcess((io) =>
      planCommand(
        {
          paths: [this.dir],
          env: this.env,
          connection: {},
          prune: options.prune ?? 'managed',
          liveFile: options.liveFile,
          format: options.format ?? 'text',
          detailedExitCode: detailed,
        },
        io,
      ),
    );
  }

  async apply(options: ApplyOptions = {}): Promise<RunResult> {
    return runInProcess((io) =>
      applyCommand(
        {
          paths: [this.dir],
          env: this.env,
          connection: {},
          prune: options.prune ?? 'managed',
          autoApprove: true,
          allowDataLoss: options.allowDataLoss ?? false,
          // Unset: the CLI's own default (128 in flight over AMQP, 32 over HTTP; workflow/execute-plan.ts).
          concurrency: options.concurrency,
        },
        io,
      ),
    );
  }

  /** `node bin/warren.js <args>` with this stack's environment; `{dir}` in args is the spec dir. */
  async cli(args: string[]): Promise<RunResult> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('WARREN_')) env[k] = v;
    Object.assign(env, this.env, { NO_COLOR: '1' });
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [WARREN_BIN, ...args.map((a) => a.replaceAll('{dir}', this.dir))], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  /** `plan --format json`, parsed; fails unless the plan was made (exit 0 or 2). */
  async planJson(options: Omit<PlanOptions, 'format'> = {}): Promise<PlanDoc> {
    const r = await this.plan({ ...options, format: 'json' });
    assert.ok(r.code === 0 || r.code === 2, `plan failed (exit ${r.code}):\n${r.stderr}`);
    return JSON.parse(r.stdout) as PlanDoc;
  }

  /** The scenario's last word: a fresh plan of the same spec has nothing to do. */
  async assertPlanEmpty(options: Omit<PlanOptions, 'detailedExitCode' | 'format'> = {}): Promise<void> {
    const r = await this.plan({ ...options, detailedExitCode: true });
    assert.equal(r.code, 0, `the plan is not empty after apply (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    assert.deepEqual(r.outcome, { kind: 'ok' });
  }

  /** apply, and fail with its output unless it succeeded. */
  async applyOk(options: ApplyOptions = {}): Promise<RunResult> {
    const r = await this.apply(options);
    assert.equal(r.code, 0, `apply failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A command run in-process with captured output, its exit code mapped as the CLI maps it. */
export async function runInProcess(run: (io: CommandIo) => Promise<Outcome>): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { NO_COLOR: '1' },
    progress: (line) => (stderr += `${line}\n`),
    ask: undefined,
  };
  try {
    const outcome = await run(io);
    return { code: exitCodeFor(outcome), stdout, stderr, outcome };
  } catch (error) {
    const code = reportFailure(error, (line) => (stderr += `${line}\n`));
    return { code, stdout, stderr, error };
  }
}

/** The change headers of a text plan, marks trimmed to one space: `~ vhost orders`, `-/+ queue v/q`. */
export function changeHeaders(text: string): string[] {
  const lines = text.split('\n');
  // Diagnostics and the legend of symbols come first; the legend ends at the next blank line.
  const legend = lines.findIndex((l) => l.endsWith('Actions are shown with these symbols:'));
  if (legend < 0) return [];
  return lines
    .slice(lines.indexOf('', legend) + 1)
    .map((l) => /^(?:  ([+~-])|(-\/\+)) (\S.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1] ?? m[2]} ${m[3]}`);
}

/** What `plan --format json` prints, the parts these tests read. */
export interface PlanDoc {
  format_version: string;
  stack: string;
  prune: string;
  summary: { create: number; update: number; replace: number; delete: number; unchanged: number };
  changes: PlanDocChange[];
  diagnostics: { severity: string; code: string; message: string }[];
  ownership: { changed: boolean; owned_count: number; adopting: number };
  ignored: { count: number; examples: string[] };
}

export interface PlanDocChange {
  action: 'create' | 'update' | 'replace' | 'delete';
  kind: string;
  key: string;
  title: string;
  address: Record<string, unknown>;
  fields: { field: string; before?: unknown; after?: unknown; sensitive?: boolean }[];
  forced_by: string[];
  reason?: string;
  data_loss?: { messages: number };
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** `action title` for each change, e.g. `update vhost orders`, sorted: easy to compare whole. */
export function actionsOf(doc: PlanDoc): string[] {
  return doc.changes.map((c) => `${c.action} ${c.title}`).sort();
}
