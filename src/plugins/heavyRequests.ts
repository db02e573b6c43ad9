import { ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { SERVICE_UNAVAILABLE } from '../common/databaseErrors';
import { Context } from '../context';

/** Which requests are heavy, and how many of them the gateway works on at once. */
export interface HeavyRequestLimits {
  /** Estimated cost (Context.queryCost) from which a request is heavy (HEAVY_QUERY_COST). */
  cost: number;
  /** Heavy requests running at once (HEAVY_QUERY_CONCURRENCY): about one per core MySQL has. */
  concurrency: number;
  /** Heavy requests waiting for a slot (HEAVY_QUERY_QUEUE); beyond it they are refused at once. */
  queue: number;
}

/**
 * The benchmark scenarios stay below the cost at the benchmark's 200,000 articles (commune-home
 * 241, province-dashboard 2,645, search 128,666: a searched page is priced for its 1,000-row window),
 * so with the response cache off they never queue; what is heavy is a searched count or RELEVANCE
 * ranking over a province's subtree (~500,000 at 60,000 articles). 2 slots for a machine of 2 cores;
 * a queue that absorbs a burst without holding hundreds of requests (each waits at most until its
 * deadline).
 */
export const DEFAULT_HEAVY_REQUEST_LIMITS: HeavyRequestLimits = { cost: 250_000, concurrency: 2, queue: 16 };

/** `extensions.reason` of a heavy request refused because enough of them are running or waiting. */
export const BUSY = 'BUSY';

/** Gives back a slot; calling it again does nothing. */
export type ReleaseSlot = () => void;

/** Slots for heavy requests: at most `concurrency` are held, at most `queue` callers wait, first come first served. */
export class HeavySlots {
  private held = 0;
  private readonly waiting: { grant: (release: ReleaseSlot) => void }[] = [];

  constructor(private readonly concurrency: number, private readonly queue: number) {}

  /** Requests holding a slot, and waiting for one (for tests and metrics). */
  get running(): number {
    return this.held;
  }
  get queued(): number {
    return this.waiting.length;
  }

  /** A slot, as soon as one is free; null when the queue is full or `until` (epoch ms) comes first. */
  take(until: number): Promise<ReleaseSlot | null> {
    if (this.held < this.concurrency) {
      this.held++;
      return Promise.resolve(this.releaser());
    }
    const wait = until - Date.now();
    if (this.waiting.length >= this.queue || wait <= 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = {
        grant: (release: ReleaseSlot) => {
          clearTimeout(timer);
          resolve(release);
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(null);
      }, wait);
      this.waiting.push(waiter);
    });
  }

  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the first in line, so a newcomer cannot take it in between.
      const next = this.waiting.shift();
      if (next) next.grant(this.releaser());
      else this.held--;
    };
  }
}

/**
 * At most `concurrency` heavy requests (estimated cost ≥ `cost`, from the query-limits plugin) run
 * at once; the next wait in a queue of `queue` for at most their deadline, the rest are refused with
 * SERVICE_UNAVAILABLE (HTTP 503, Retry-After, `retryable`, `reason: "BUSY"`). Cheap requests never
 * wait, and neither does an answer the response cache already has: the slot is taken in
 * responseForOperation, after the cache plugins' (this plugin comes after them), where Apollo can
 * still answer instead of executing. It is given back when the response is sent, whatever happened,
 * or when Apollo fails unexpectedly. A client that goes away moves its deadline to now (server.ts),
 * so a request it left behind stops at its next read and frees its slot.
 */
export function heavyRequestsPlugin(limits: HeavyRequestLimits, slots = new HeavySlots(limits.concurrency, limits.queue)): ApolloServerPlugin<Context> {
  const held = new WeakMap<object, ReleaseSlot>();
  const giveBack = (contextValue: object | undefined) => {
    if (!contextValue) return;
    held.get(contextValue)?.();
    held.delete(contextValue);
  };
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ contextValue }) {
          if ((contextValue.queryCost ?? 0) < limits.cost) return null;
          const release = await slots.take(contextValue.sql.deadline?.at ?? Date.now());
          if (release) {
            held.set(contextValue, release);
            return null;
          }
          return {
            http: { status: 503, headers: new HeaderMap([['retry-after', '1']]) },
            body: {
              kind: 'single',
              singleResult: {
                errors: [
                  {
                    message: `Too many expensive requests are running; retry shortly, or ask for less (a query estimated below ${limits.cost} never waits).`,
                    extensions: { code: SERVICE_UNAVAILABLE, reason: BUSY, retryable: true },
                  },
                ],
              },
            },
          };
        },
        async willSendResponse({ contextValue }) {
          giveBack(contextValue);
        },
      };
    },
    async unexpectedErrorProcessingRequest({ requestContext }) {
      giveBack(requestContext.contextValue);
    },
  };
}
