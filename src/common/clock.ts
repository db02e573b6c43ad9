/**
 * Where the visit counters read the time. Injected (createServer({ clock })) so that tests can
 * cross midnight in Vietnam, outwait the 30-second repeat window or let 5 minutes of "online" pass
 * without sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
