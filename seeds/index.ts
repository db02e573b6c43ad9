import { DataSource } from 'typeorm';
import { withTransaction } from '../src/db/transaction';
import { seedDemoContent } from './demo';
import { seedUnits } from './units';

/** What `npm start` does on an empty database: every real unit, then the small demo content set. */
export async function seedIfEmpty(db: DataSource, log: (line: string) => void): Promise<void> {
  const [{ n: units }] = await db.query('SELECT COUNT(*) AS n FROM units');
  if (Number(units) === 0) {
    const started = Date.now();
    const count = await withTransaction(db, (m) => seedUnits(m));
    log(`seeded ${count} administrative units in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const [{ n: articles }] = await db.query('SELECT COUNT(*) AS n FROM articles');
  if (Number(articles) === 0) {
    const { articles: count } = await withTransaction(db, (m) => seedDemoContent(m));
    log(`seeded ${count} demo articles`);
  }
}
