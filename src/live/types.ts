// What reading a broker (or an exported definitions file) gives the planner.
import type { Diagnostic } from '../errors.js';
import type { Json, Model } from '../model/types.js';

export interface LiveState {
  /** Every object, normalised so it compares equal to a spec that says the same thing. */
  model: Model;
  /** e.g. "3.10.8"; "unknown" when a definitions file does not say. */
  brokerVersion: string;
  /** Where it was read: the management endpoint, or the definitions file's path. */
  source: string;
  /** stack name -> resource keys it owns, from the `warren.stack.<stack>` global parameters. */
  ownership: Map<string, Set<string>>;
  /** Global parameters as the broker holds them (ownership records included). */
  globalParameters: Map<string, Json>;
  /**
   * resource key -> why warren never creates, changes or deletes it: the broker's own `amq.*`
   * exchanges, server-named and exclusive queues. They stay in `model` so that a spec naming them
   * is seen and prune logic can skip them; the default exchange "" and its implicit bindings are
   * not in the model at all.
   */
  unmanagedReasons?: Map<string, string> | undefined;
  /** Things worth telling the user that did not stop the read (a queue whose message count is unknown). */
  warnings: Diagnostic[];
  /** What the source cannot show (a definitions file's format lacks it); absent for a broker. */
  blind?: BlindSpots | undefined;
}

/** What a definitions file cannot show (see blind-spots.ts). */
export interface BlindSpots {
  /** Vhost description, tags and default_queue_type are not in the file. */
  vhostMetadata?: boolean | undefined;
  /** Internal exchanges are not in the file. */
  internalExchanges?: boolean | undefined;
}
