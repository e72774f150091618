// References the broker tolerates but that may be mistakes: a dead-letter or alternate exchange
// the spec does not declare (messages would vanish until someone creates it), and permissions on
// vhosts outside the spec (they may exist on the broker). Warnings, not errors.
import type { Origin } from '../../errors.js';
import type { SpecIndex, VhostDecl } from '../spec-index.js';
import { child, displayPath, entry, stringOf, type PathSegment } from '../tree.js';
import { BUILT_IN_EXCHANGES } from './bindings.js';
import type { Report, Rule } from './report.js';

export const referenceRules: Rule = (spec, report) => {
  for (const vhost of spec.vhosts.values()) {
    for (const queue of vhost.queues.values()) {
      checkExchangeRef(vhost, child(queue.node, 'arguments'), 'x-dead-letter-exchange', [...queue.path, 'arguments'], 'dead-letter exchange', report);
    }
    for (const exchange of vhost.exchanges.values()) {
      checkExchangeRef(vhost, child(exchange.node, 'arguments'), 'alternate-exchange', [...exchange.path, 'arguments'], 'alternate exchange', report);
    }
    for (const policy of [...vhost.policies.values(), ...vhost.operator_policies.values()]) {
      const definition = child(policy.node, 'definition');
      checkExchangeRef(vhost, definition, 'dead-letter-exchange', [...policy.path, 'definition'], 'dead-letter exchange', report);
      checkExchangeRef(vhost, definition, 'alternate-exchange', [...policy.path, 'definition'], 'alternate exchange', report);
    }
  }
  checkPermissionVhosts(spec, report);
};

function checkExchangeRef(vhost: VhostDecl, map: ReturnType<typeof child>, key: string, path: PathSegment[], what: string, report: Report): void {
  const e = entry(map, key);
  const name = stringOf(e?.value);
  // "" is the default exchange: dead-lettering to it by routing key is a known pattern.
  if (!e || name === undefined || name === '' || BUILT_IN_EXCHANGES.has(name) || vhost.exchanges.has(name)) return;
  report.warn('W_REFERENCE', e.value.origin, `${displayPath([...path, key])}: ${what} \`${name}\` is not declared in vhost \`${vhost.name}\`; messages sent to it are dropped until it exists`);
}

function checkPermissionVhosts(spec: SpecIndex, report: Report): void {
  const outside = (vhost: string, origin: Origin, path: PathSegment[]): void => {
    report.warn('W_REFERENCE', origin, `${displayPath(path)}: vhost \`${vhost}\` is not declared in the spec; the grant only works if it exists on the broker`);
  };
  for (const user of spec.users.values()) {
    for (const permission of user.permissions.values()) {
      if (!spec.vhosts.has(permission.name)) outside(permission.name, permission.origin, permission.path);
    }
    const warned = new Set<string>();
    for (const tp of user.topic_permissions) {
      const vhost = spec.vhosts.get(tp.vhost);
      if (!vhost) {
        if (!warned.has(tp.vhost)) outside(tp.vhost, tp.origin, tp.path.slice(0, -1));
        warned.add(tp.vhost);
        continue;
      }
      // "" (the default exchange) and the built-ins need no declaration.
      if (tp.exchange === '' || BUILT_IN_EXCHANGES.has(tp.exchange) || vhost.exchanges.has(tp.exchange)) continue;
      const at = child(tp.node, 'exchange')?.origin ?? tp.origin;
      report.warn('W_REFERENCE', at, `${displayPath([...tp.path, 'exchange'])}: exchange \`${tp.exchange}\` is not declared in vhost \`${tp.vhost}\``);
    }
  }
}
