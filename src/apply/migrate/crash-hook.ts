// A test hook, and nothing else: the crash tests run `warren apply` with WARREN_TEST_KILL_AT set
// to a step name (`declare-holding`, `bind-holding`, `unbind-original`, `delete-original`,
// `declare-new`, `bind-new`, `unbind-holding`, `delete-holding`) or to `move-out:N` /
// `move-back:N` (after the N-th confirmed message, before its ack), and warren SIGKILLs itself
// there: no cleanup, no exit handlers, exactly what a crash or `kill -9` leaves behind.
// Unset, it costs one comparison.
const KILL_AT = process.env['WARREN_TEST_KILL_AT'];

export function crashHook(step: string, count?: number): void {
  if (KILL_AT === undefined) return;
  const point = count === undefined ? step : `${step}:${count}`;
  if (point === KILL_AT) process.kill(process.pid, 'SIGKILL');
}
