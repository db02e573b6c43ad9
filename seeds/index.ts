import { DataSource } from 'typeorm';
import { withTransaction } from '../src/db/transaction';
import { seedDemoContent } from './demo';
import { seedUnits, unitMapsLoaded } from './units';

/**
 * What `npm start` does: both administrative maps where the database does not hold them yet (an
 * empty database, or one of v1 with the 2023 map), then the small demo content set on an empty one.
 */
export async function seedIfEmpty(db: DataSource, log: (line: string) => void): Promise<void> {
  if (!(await unitMapsLoaded(db))) {
    const started = Date.now();
    const { units, successions } = await withTransaction(db, (m) => seedUnits(m));
    log(`loaded both administrative maps: ${units} units and ${successions} successions in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const [{ n: articles }] = await db.query('SELECT COUNT(*) AS n FROM articles');
  if (Number(articles) === 0) {
    const { articles: count } = await withTransaction(db, (m) => seedDemoContent(m));
    log(`seeded ${count} demo articles`);
  }
}
