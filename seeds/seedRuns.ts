import { DataSource, EntityManager } from 'typeorm';

/**
 * Bulk seeds that survive an interruption. A run (one `npm run seed` command) writes its parts (the
 * articles, the visits) in chunks, each one transaction that also records itself in seed_run_chunks
 * with the state its generator ended in. Run again with the same options, the command skips the
 * chunks committed and generates the others from where the last committed one left off, so the rows
 * are those an uninterrupted run writes. One unfinished run at a time: another command is refused
 * until it is finished.
 */
export interface SeedRun {
  id: number;
  /** The first id the run's articles take, fixed when it started. */
  firstArticleId: number;
  /** Chunks already committed (by an earlier attempt), by part, each with its generator's state after it. */
  committed: ReadonlyMap<SeedPart, ReadonlyMap<number, string>>;
}

export type SeedPart = 'articles' | 'visits';

/** Starts a run, or takes up the unfinished one of this command. */
export async function beginSeedRun(db: DataSource, command: string): Promise<SeedRun> {
  const [unfinished]: Array<{ id: number; command: string; firstArticleId: number }> = await db.query(
    'SELECT id, command, first_article_id AS firstArticleId FROM seed_runs WHERE finished_at IS NULL ORDER BY id LIMIT 1',
  );
  if (unfinished && unfinished.command !== command && (await hasChunks(db, unfinished.id))) {
    throw new Error(`an interrupted seed (${unfinished.command}) is not finished: run the seed again with those options to finish it first`);
  }
  if (unfinished && unfinished.command === command) {
    const chunks: Array<{ part: SeedPart; chunk: number; state: string }> = await db.query('SELECT part, chunk, state FROM seed_run_chunks WHERE run_id = ?', [
      unfinished.id,
    ]);
    const committed = new Map<SeedPart, Map<number, string>>();
    for (const c of chunks) committed.set(c.part, (committed.get(c.part) ?? new Map<number, string>()).set(Number(c.chunk), c.state));
    return { id: unfinished.id, firstArticleId: Number(unfinished.firstArticleId), committed };
  }
  if (unfinished) await db.query('DELETE FROM seed_runs WHERE id = ?', [unfinished.id]); // stopped before it wrote anything
  const [{ maxId }]: Array<{ maxId: number | string | null }> = await db.query('SELECT MAX(id) AS maxId FROM articles');
  const firstArticleId = Number(maxId ?? 0) + 1;
  const result: { insertId: number } = await db.query('INSERT INTO seed_runs (command, first_article_id, started_at) VALUES (?, ?, UTC_TIMESTAMP())', [
    command,
    firstArticleId,
  ]);
  return { id: result.insertId, firstArticleId, committed: new Map() };
}

async function hasChunks(db: DataSource, runId: number): Promise<boolean> {
  return (await db.query('SELECT 1 FROM seed_run_chunks WHERE run_id = ? LIMIT 1', [runId])).length > 0;
}

/** The chunks of a part that an earlier attempt committed. */
export function committedChunks(run: SeedRun, part: SeedPart): ReadonlyMap<number, string> {
  return run.committed.get(part) ?? new Map();
}

/** Records a chunk as committed; call it inside the chunk's transaction. */
export async function recordSeedChunk(m: EntityManager, run: SeedRun, part: SeedPart, chunk: number, state: string): Promise<void> {
  await m.query('INSERT INTO seed_run_chunks (run_id, part, chunk, state) VALUES (?, ?, ?, ?)', [run.id, part, chunk, state]);
}

export async function finishSeedRun(db: DataSource, run: SeedRun): Promise<void> {
  await db.query('UPDATE seed_runs SET finished_at = UTC_TIMESTAMP() WHERE id = ?', [run.id]);
  await db.query('DELETE FROM seed_run_chunks WHERE run_id = ?', [run.id]);
}

/** Forgets a run that failed before writing anything (a refused option), so it does not block the next. */
export async function abandonSeedRun(db: DataSource, run: SeedRun): Promise<void> {
  await db.query('DELETE FROM seed_runs WHERE id = ? AND NOT EXISTS (SELECT 1 FROM seed_run_chunks WHERE run_id = ?)', [run.id, run.id]);
}

/** Runs `work` in `run`, or in a run of its own (begun and finished here) when none is given. */
export async function inSeedRun<T>(db: DataSource, run: SeedRun | undefined, command: string, work: (run: SeedRun) => Promise<T>): Promise<T> {
  if (run) return work(run);
  const own = await beginSeedRun(db, command);
  try {
    const result = await work(own);
    await finishSeedRun(db, own);
    return result;
  } catch (e) {
    await abandonSeedRun(db, own);
    throw e;
  }
}
