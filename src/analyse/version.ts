// Broker versions for version-dependent rules. No version (a spec alone) means the newest RabbitMQ.
import { parseVersion } from '../model/compat.js';

/** True when `version` is at least major.minor; an unknown version counts as the newest. */
export function atLeast(version: string | undefined, major: number, minor: number): boolean {
  const v = version === undefined ? undefined : parseVersion(version);
  if (!v) return true;
  const [a = 0, b = 0] = v;
  return a > major || (a === major && b >= minor);
}

export function versionLabel(version: string | undefined): string {
  return version === undefined ? 'the newest RabbitMQ' : `RabbitMQ ${version}`;
}
