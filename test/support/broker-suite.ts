// The setup every plan/apply test file shares: one disposable broker for the file (started in
// `before`, stopped in `after`) and the spec stacks made on it, removed afterwards.
// Call it inside describe(), before the tests, so its hooks run first.
import { after, before } from 'node:test';
import { startBroker, type BrokerHandle } from '../harness/broker.js';
import { api, type Api } from './management.js';
import { SpecStack } from './warren-stack.js';

export class BrokerSuite {
  #broker: BrokerHandle | undefined;
  #api: Api | undefined;
  readonly #stacks: SpecStack[] = [];

  constructor() {
    before(async () => {
      this.#broker = await startBroker();
      this.#api = api(this.#broker);
    });
    after(async () => {
      for (const s of this.#stacks) s.remove();
      await this.#broker?.stop();
    });
  }

  get broker(): BrokerHandle {
    if (!this.#broker) throw new Error('the suite broker is not started yet: use it inside a test');
    return this.#broker;
  }

  get api(): Api {
    if (!this.#api) throw new Error('the suite broker is not started yet: use it inside a test');
    return this.#api;
  }

  /** A spec stack on the suite's broker, in its own temp dir, removed after the file. */
  stack(name: string, env: Record<string, string> = {}): SpecStack {
    const s = new SpecStack(this.broker, name, env);
    this.#stacks.push(s);
    return s;
  }
}
