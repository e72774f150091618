// How long a stack name may be. The broker keeps each stack's ownership record in a global
// parameter named `warren.stack.<stack>`, and stores that name as an Erlang atom: at most 255
// characters. validate checks it where the spec names the stack; the writer checks it again.

export const OWNERSHIP_PREFIX = 'warren.stack.';
const MAX_ATOM = 255;
export const MAX_STACK_NAME = MAX_ATOM - OWNERSHIP_PREFIX.length;

/** What is wrong with a stack name, or undefined when the broker can hold it. */
export function stackNameProblem(stack: string): string | undefined {
  if (stack === '' || [...`${OWNERSHIP_PREFIX}${stack}`].length > MAX_ATOM) {
    return `stack name must be 1 to ${MAX_STACK_NAME} characters long (it names the global parameter ${OWNERSHIP_PREFIX}<stack>)`;
  }
  return undefined;
}
