// The RabbitMQ versions the integration tests run, and where each one's scripts are. 3.10 is
// Debian 12's package on this machine; 4.0 is Debian 13's, which needs trixie's glibc and so runs
// from a trixie root built once per machine by scripts/ensure-broker4.sh, entered with chroot.
export type BrokerVersion = '3.10' | '4.0';
export const BROKER_VERSIONS: readonly BrokerVersion[] = ['3.10', '4.0'];

export interface BrokerInstall {
  /** '' for the host; else the folder the node's root is in (paths below are inside it). */
  root: string;
  server: string;
  ctl: string;
  /** What runs before the script (`chroot ROOT`), so the node sees its own root. */
  prefix: string[];
  /** Why tests skip when it is missing, and how to get it. */
  missing: string;
}

/** The version tests start by default: WARREN_TEST_BROKER (3.10 when unset). */
export function testBrokerVersion(): BrokerVersion {
  const v = process.env['WARREN_TEST_BROKER'] ?? '3.10';
  if (v === '3.10' || v === '4.0') return v;
  throw new Error(`WARREN_TEST_BROKER=${v}: expected one of ${BROKER_VERSIONS.join(', ')}`);
}

export function brokerInstall(version: BrokerVersion): BrokerInstall {
  const server = '/usr/lib/rabbitmq/bin/rabbitmq-server';
  const ctl = '/usr/lib/rabbitmq/bin/rabbitmqctl';
  if (version === '3.10') {
    return { root: '', server, ctl, prefix: [], missing: `RabbitMQ 3.10 is not installed (${server} is missing): apt-get install -y rabbitmq-server, or run .ci/run` };
  }
  const root = (process.env['WARREN_RMQ4_ROOT'] ?? '/var/tmp/rmq4-root').replace(/\/+$/, '');
  return {
    root,
    server,
    ctl,
    prefix: ['chroot', root],
    missing: `RabbitMQ 4.0 is not installed (no trixie root at ${root}): run scripts/ensure-broker4.sh as root, or .ci/run`,
  };
}
