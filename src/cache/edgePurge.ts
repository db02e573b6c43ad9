import { ContentChanges } from './contentChanges';
import { Tag } from './contentTags';
import { EDGE_TAGS_MAX_BYTES } from './edgeTags';

/*
 * Tells the edges in front of the gateway what changed, so they drop the answers they keep that
 * read it (edgeTags.ts: each answer's Surrogate-Key). After every change this process commits,
 * its tags are sent to every configured edge, and sent again until the edge says it took them:
 * a purge that is lost leaves a page stale at the edge for as long as its max-age. And sent once
 * more a request's deadline later: an answer the gateway computed before the change committed may
 * reach the edge after the first purge, and be kept there; every such answer has been sent by then.
 *
 * Two kinds of edge: Varnish with the xkey module (`PURGE /` with `xkey-purge: <tags>`, as the VCL
 * of examples/edge/ takes it), and a generic hook (`POST` of `{"tags": [...]}` as JSON) for CDNs
 * and static-site builders, which purge by tag through their own APIs.
 */

export interface EdgeTarget {
  kind: 'varnish' | 'hook';
  url: string;
}

export interface EdgePurgeLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface EdgePurgeOptions {
  /** The first retry waits about this long; each next one twice as long, up to maxRetryMs. */
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** How long one purge request may take before it counts as failed. */
  timeoutMs?: number;
  /** The longest a request runs (its deadline): each change's tags are purged once more after it (0: never). */
  longestRequestMs?: number;
}

/** Added to longestRequestMs: an answer's way from the gateway to the edge. */
const REPEAT_MARGIN_MS = 1_000;

/** Tags waiting for one edge; past this many, one purge of everything says it all (EVERYTHING). */
const MAX_PENDING_TAGS = 50_000;

/** One edge's queue: tags waiting to be sent, one request at a time, retried until taken. */
class EdgeQueue {
  private pending = new Set<Tag>();
  private sending = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly target: EdgeTarget,
    private readonly logger: EdgePurgeLogger,
    private readonly options: Required<EdgePurgeOptions>,
  ) {}

  add(tags: Iterable<Tag>): void {
    for (const tag of tags) this.pending.add(tag);
    if (this.pending.size > MAX_PENDING_TAGS) this.pending = new Set(['*']);
    if (!this.timer) void this.send();
  }

  /** Whether every tag given so far was taken by the edge. */
  get idle(): boolean {
    return this.pending.size === 0 && !this.sending;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async send(): Promise<void> {
    if (this.sending || this.closed) return;
    this.sending = true;
    try {
      while (this.pending.size > 0 && !this.closed) {
        const batch = takeBatch(this.pending);
        try {
          await this.purge(batch);
          if (this.failures > 0) this.logger.info({ edge: this.target.url }, 'edge purges go through again');
          this.failures = 0;
        } catch (error) {
          for (const tag of batch) this.pending.add(tag);
          if (this.failures++ === 0) this.logger.warn({ edge: this.target.url, err: { message: (error as Error).message } }, 'edge purge failed; retrying until the edge takes it');
          const wait = Math.min(this.options.firstRetryMs * 2 ** (this.failures - 1), this.options.maxRetryMs) * (0.5 + Math.random());
          this.timer = setTimeout(() => {
            this.timer = null;
            void this.send();
          }, wait);
          this.timer.unref();
          return;
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private async purge(tags: Tag[]): Promise<void> {
    const { kind, url } = this.target;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const res =
      kind === 'varnish'
        ? await fetch(url, { method: 'PURGE', headers: { 'xkey-purge': tags.join(' ') }, signal })
        : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tags }), signal });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`${kind === 'varnish' ? 'PURGE' : 'POST'} ${url} answered ${res.status}`);
  }
}

/** As many pending tags as fit in one request's header, taken off the set. */
function takeBatch(pending: Set<Tag>): Tag[] {
  const batch: Tag[] = [];
  let bytes = 0;
  for (const tag of pending) {
    if (batch.length > 0 && bytes + tag.length + 1 > EDGE_TAGS_MAX_BYTES) break;
    batch.push(tag);
    bytes += tag.length + 1;
  }
  for (const tag of batch) pending.delete(tag);
  return batch;
}

/** Purges every edge of every change this process commits (`changes.onCommitted`), and again a little later. */
export class EdgePurger {
  private readonly queues: EdgeQueue[];
  private readonly repeats = new Set<NodeJS.Timeout>();

  constructor(targets: readonly EdgeTarget[], changes: ContentChanges, logger: EdgePurgeLogger, options: EdgePurgeOptions = {}) {
    const settled: Required<EdgePurgeOptions> = { firstRetryMs: 200, maxRetryMs: 30_000, timeoutMs: 5_000, longestRequestMs: 0, ...options };
    this.queues = targets.map((target) => new EdgeQueue(target, logger, settled));
    if (this.queues.length === 0) return;
    changes.onCommitted((tags) => {
      this.purge(tags);
      if (settled.longestRequestMs > 0) this.purgeLater(tags, settled.longestRequestMs + REPEAT_MARGIN_MS);
    });
  }

  /** Whether every purge sent so far was taken by every edge (tests wait for it); repeats still to come aside. */
  get idle(): boolean {
    return this.queues.every((queue) => queue.idle);
  }

  /** Whether the repeats are sent too, and taken. */
  get settled(): boolean {
    return this.repeats.size === 0 && this.idle;
  }

  close(): void {
    for (const timer of this.repeats) clearTimeout(timer);
    this.repeats.clear();
    for (const queue of this.queues) queue.close();
  }

  private purge(tags: readonly Tag[]): void {
    for (const queue of this.queues) queue.add(tags);
  }

  private purgeLater(tags: readonly Tag[], ms: number): void {
    const timer = setTimeout(() => {
      this.repeats.delete(timer);
      this.purge(tags);
    }, ms);
    timer.unref();
    this.repeats.add(timer);
  }
}
