import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adaptToVersion, parseVersion } from '../../src/model/compat.js';
import { modelOf, vhost } from '../support/build.js';

describe('adaptToVersion', () => {
  const desired = modelOf(vhost('v', { default_queue_type: 'quorum' }));

  it('keeps default_queue_type for a new vhost on 3.10', () => {
    const out = adaptToVersion(desired, new Map(), '3.10.8');
    assert.equal(out.diagnostics.length, 0);
    assert.equal([...out.desired.values()][0]?.kind === 'vhost' && [...out.desired.values()][0], [...desired.values()][0]);
  });

  it('warns, naming the version, and drops a change 3.10 cannot make to an existing vhost', () => {
    const out = adaptToVersion(desired, modelOf(vhost('v', { default_queue_type: 'classic' })), '3.10.8');
    assert.match(out.diagnostics[0]?.message ?? '', /RabbitMQ 3\.10\.8 sets default_queue_type only when a vhost is created/);
    const v = [...out.desired.values()][0];
    assert.equal(v?.kind === 'vhost' ? v.default_queue_type : 'x', undefined);
  });

  it('lets 3.11.17 and later change it', () => {
    assert.equal(adaptToVersion(desired, modelOf(vhost('v')), '3.12.1').diagnostics.length, 0);
  });

  it('drops it on brokers older than 3.10', () => {
    assert.match(adaptToVersion(desired, new Map(), '3.9.29').diagnostics[0]?.message ?? '', /RabbitMQ 3\.9\.29 has no per-vhost default_queue_type/);
  });

  it('changes nothing when the version is unknown', () => {
    assert.equal(parseVersion('unknown'), undefined);
    assert.equal(adaptToVersion(desired, modelOf(vhost('v')), 'unknown').diagnostics.length, 0);
  });
});
