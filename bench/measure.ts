// Runs a command and measures its wall time, its CPU time (user + system) and its peak resident
// memory. CPU time is what to compare on a busy machine: wall time there mostly says how many
// other processes shared the cores. With GNU time (/usr/bin/time) the kernel's own figures are
// used (%U %S %M); without it, only wall time and a polled VmHWM.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  seconds: number;
  /** User + system CPU seconds of the command (NaN without /usr/bin/time). */
  cpuSeconds: number;
  peakRssMb: number;
  code: number;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

export function measure(command: string, args: string[], env: Record<string, string | undefined> = process.env): Promise<Measured> {
  const timed = existsSync(GNU_TIME);
  const dir = mkdtempSync(join(tmpdir(), 'warren-measure-'));
  const report = join(dir, 'time');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = timed ? spawn(GNU_TIME, ['-f', '%U %S %M', '-o', report, command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m?.[1]) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // the process has just exited
      }
    }, 25);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      let cpuSeconds = Number.NaN;
      if (timed) {
        const fields = readFileSync(report, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [];
        const [user, system, maxKb] = fields;
        if (user !== undefined && system !== undefined) cpuSeconds = user + system;
        if (maxKb !== undefined && Number.isFinite(maxKb)) peakKb = maxKb;
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ seconds, cpuSeconds, peakRssMb: peakKb / 1024, code: code ?? -1, stdout, stderr });
    });
  });
}

/** CPU seconds a process (a broker's beam.smp) has used so far, from /proc/PID/stat. */
export function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
}

/** The value after `name` on the command line (`--scale 3`), or `fallback` when it is not given. */
export function argOption(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** Whether a flag without a value (`--no-import`) is on the command line. */
export function argFlag(name: string): boolean {
  return process.argv.includes(name);
}

/** The machine's load, to print beside every set of figures. */
export function loadAverage(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}
