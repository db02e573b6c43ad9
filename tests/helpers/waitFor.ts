/**
 * Waits until `condition` holds, asking it again every 10 ms, and fails naming `what` after
 * `timeoutMs`. For states a test cannot be told of by an event (rows in MySQL, a process's slots):
 * the wait ends as soon as the state is reached, however slow or loaded the machine is, where a
 * fixed sleep would either waste time or, on a loaded machine, end too early.
 */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
