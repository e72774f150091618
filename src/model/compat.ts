// What the target's RabbitMQ version can do, by the rules of version-rules.ts: a setting the
// version refuses is an error (E_VERSION) naming the version and what to use instead; one it
// cannot apply is dropped from the desired model with a warning (W_VERSION), so it never shows as
// a diff that survives an apply; one it ignores, and a deprecated one, are warnings. With `upgrade`,
// what 4.x refuses is first rewritten as upgrade.ts does, each rewrite listed (W_UPGRADE).
import { unreachable } from '../errors.js';
import type { Diagnostic } from '../errors.js';
import { resourceKey } from './keys.js';
import { withReplaced } from './replaced.js';
import { VHOST_NAMED_SECTION, isVhostNamed, type Resource } from './types.js';
import { upgradeTopology, type UpgradeOptions } from './upgrade.js';
import { VERSION_RULES, allows, older, parseVersion, type SettingUse, type VersionRule, type VersionTriple } from './version-rules.js';

export { parseVersion } from './version-rules.js';

export interface Adapted {
  /** The input itself when no rule changed anything (the usual case): a copy of 90,000 entries is ~4 MB. */
  desired: ReadonlyMap<string, Resource>;
  diagnostics: Diagnostic[];
}

export interface AdaptOptions {
  /** Rewrite what the version refuses (mirroring keys, queue mode) instead of refusing it. */
  upgrade?: UpgradeOptions | undefined;
}

export function adaptToVersion(desired: ReadonlyMap<string, Resource>, live: ReadonlyMap<string, Resource>, version: string, options: AdaptOptions = {}): Adapted {
  const parsed = parseVersion(version);
  if (!parsed) return { desired, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  let resources: ReadonlyMap<string, Resource> = desired;
  if (options.upgrade) {
    const upgraded = upgradeTopology(desired, parsed, options.upgrade);
    resources = upgraded.resources;
    for (const r of upgraded.rewrites) diagnostics.push({ severity: 'warning', code: 'W_UPGRADE', message: r.message, origin: r.origin });
  }
  const changed = new Map<string, Resource>();
  for (const [key, r] of resources) {
    const checked = checkResource(r, live.get(key), version, parsed, diagnostics);
    if (checked !== r) changed.set(key, checked);
  }
  return { desired: changed.size === 0 ? resources : withReplaced(resources, changed), diagnostics };
}

/** Runs every rule over one object, in table order; a dropped setting is gone for later rules. */
function checkResource(resource: Resource, live: Resource | undefined, version: string, parsed: VersionTriple, diagnostics: Diagnostic[]): Resource {
  let r = resource;
  for (const rule of VERSION_RULES) {
    for (const use of rule.uses(r, live)) {
      const path = settingPath(r, use);
      if (!allows(rule, parsed)) {
        if (rule.outside === 'warn') {
          diagnostics.push({ severity: 'warning', code: 'W_VERSION', message: `${path}: RabbitMQ ${version} ${rule.why}; ${rule.instead}`, origin: r.origin });
        } else if (rule.outside === 'drop' && droppable(use)) {
          diagnostics.push({ severity: 'warning', code: 'W_VERSION', message: `${path}: RabbitMQ ${version} ${rule.why}; left out (${rule.instead})`, origin: r.origin });
          r = without(r, use);
        } else {
          diagnostics.push({ severity: 'error', code: 'E_VERSION', message: `${path}: RabbitMQ ${version} ${rule.why}; instead: ${rule.instead}`, origin: r.origin });
        }
      } else if (rule.deprecated && !older(parsed, rule.deprecated.since)) {
        diagnostics.push({ severity: 'warning', code: 'W_DEPRECATED', message: deprecationMessage(path, version, rule), origin: r.origin });
      }
    }
  }
  return r;
}

function deprecationMessage(path: string, version: string, rule: VersionRule): string {
  return `${path}: RabbitMQ ${version} ${rule.why} (deprecated feature ${rule.deprecated?.feature}); instead: ${rule.instead}`;
}

function droppable(use: SettingUse): boolean {
  return use.field === 'default_queue_type' || ((use.field === 'arguments' || use.field === 'definition') && use.key !== undefined);
}

function without(r: Resource, use: SettingUse): Resource {
  if (use.field === 'default_queue_type' && r.kind === 'vhost') return { ...r, default_queue_type: undefined };
  const key = use.key as string;
  if (use.field === 'arguments' && (r.kind === 'queue' || r.kind === 'exchange')) {
    const { [key]: _gone, ...rest } = r.arguments;
    return { ...r, arguments: rest };
  }
  if (use.field === 'definition' && (r.kind === 'policy' || r.kind === 'operator_policy')) {
    const { [key]: _gone, ...rest } = r.definition;
    return { ...r, definition: rest };
  }
  return r;
}

/** The setting as the spec writes it: `vhosts.orders.queues.q.arguments.x-queue-mode`. */
export function settingPath(r: Resource, use: SettingUse): string {
  return [...objectPath(r), use.field, ...(use.key !== undefined ? [use.key] : [])].join('.');
}

export function objectPath(r: Resource): string[] {
  if (isVhostNamed(r)) return ['vhosts', r.vhost, VHOST_NAMED_SECTION[r.kind], r.name];
  switch (r.kind) {
    case 'vhost':
      return ['vhosts', r.name];
    case 'user':
      return ['users', r.name];
    case 'permission':
      return ['users', r.user, 'permissions', r.vhost];
    case 'topic_permission':
      return ['users', r.user, 'topic_permissions', r.vhost];
    case 'binding':
      return ['vhosts', r.vhost, 'bindings', resourceKey(r)];
    case 'parameter':
      return ['vhosts', r.vhost, 'parameters', r.component, r.name];
    case 'global_parameter':
      return ['global_parameters', r.name];
    case 'feature_flag':
      return ['feature_flags', r.name];
    default:
      return unreachable(r, 'kind');
  }
}
