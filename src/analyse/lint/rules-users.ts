// Rules about users and what they may do.
import { describeResource } from '../../model/keys.js';
import type { Permission, User } from '../../model/types.js';
import type { LintRule } from './types.js';

const EVERYTHING = new Set(['.*', '^.*$', '^.*', '.*$', '.+', '^.+$']);

function usersOf(resources: Iterable<unknown>): User[] {
  return [...resources].filter((r): r is User => (r as { kind?: string }).kind === 'user');
}

export const adminEverywhere: LintRule = {
  id: 'user-admin-everything',
  severity: 'warning',
  title: 'a user with the administrator tag and full permissions',
  why: 'one leaked credential then controls the whole broker: every vhost, user and policy, and every message',
  fix: 'give applications their own users with permissions limited to their names (e.g. configure: ^orders\\.), and keep administrators for people and tooling',
  check(input, report) {
    const permissions = [...input.model.resources.values()].filter((r): r is Permission => r.kind === 'permission');
    for (const u of usersOf(input.model.resources.values())) {
      if (!u.tags.includes('administrator')) continue;
      const full = permissions.filter((p) => p.user === u.name && EVERYTHING.has(p.configure) && EVERYTHING.has(p.write) && EVERYTHING.has(p.read));
      if (full.length === 0) continue;
      report({ object: describeResource(u), origin: u.origin, message: `administrator with configure, write and read ".*" in ${full.map((p) => `vhost ${p.vhost}`).join(', ')}` });
    }
  },
};

export const guestUser: LintRule = {
  id: 'guest-user',
  severity: 'warning',
  title: 'a user named guest',
  why: 'guest is the well-known default account (password guest); RabbitMQ only lets it log in from localhost for that reason',
  fix: 'create a named user for each application and delete guest',
  check(input, report) {
    for (const u of usersOf(input.model.resources.values())) {
      if (u.name === 'guest') report({ object: describeResource(u), origin: u.origin, message: 'the guest user is declared' });
    }
  },
};

export const clearTextPassword: LintRule = {
  id: 'password-clear-text',
  severity: 'error',
  title: 'a password written in a spec file',
  why: 'spec files are committed: anyone who can read the repository, its history or a CI log of it has the password',
  fix: 'read it from the environment with ${VAR} (a CI secret), or give password_hash with hashing_algorithm',
  check(input, report) {
    for (const s of input.clearTextSecrets) report({ object: s.object, origin: s.origin, message: `${s.field} ${s.how}` });
  },
};
