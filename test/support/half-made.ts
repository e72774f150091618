// Makes a half-made quorum queue on a real node, for the tests of live/half-made-queues.ts.
import assert from 'node:assert/strict';
import type { BrokerHandle } from '../harness/broker.js';

/**
 * The queue record of a quorum queue whose declaration was cut short: its leader on a node that is
 * gone, no Raft servers anywhere (what RabbitMQ 3.10 keeps when the declaring node dies between
 * writing the record and starting the Raft group). Works on a single node too: the leader it names
 * does not exist.
 */
export async function makeHalfMadeQueue(node: BrokerHandle, vhost: string, name: string): Promise<void> {
  const bin = (s: string): string => `<<${JSON.stringify(s)}/utf8>>`;
  const r = await node.rabbitmqctl([
    'eval',
    `QName = rabbit_misc:r(${bin(vhost)}, queue, ${bin(name)}),
     Q0 = amqqueue:new(QName, none, true, false, none, [{<<"x-queue-type">>, longstr, <<"quorum">>}], ${bin(vhost)}, #{user => <<"guest">>}, rabbit_quorum_queue),
     {ok, RaName} = rabbit_queue_type_util:qname_to_internal_name(QName),
     Q1 = amqqueue:set_pid(Q0, {RaName, 'gone@localhost'}),
     Q2 = amqqueue:set_type_state(Q1, #{nodes => ['gone@localhost' | rabbit_nodes:all_running()]}),
     {created, _} = rabbit_amqqueue:internal_declare(Q2, false), ok.`,
  ]);
  assert.equal(r.code, 0, r.stderr || r.stdout);
}
