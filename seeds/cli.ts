import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { seedBulkArticles } from './bulk';
import { seedIfEmpty } from './index';

const USAGE = 'usage: npm run seed -- [--articles N] [--seed S]   (DATABASE_URL picks the database)';

/**
 * `npm run seed`: creates and migrates the database if needed, loads the units and demo content
 * when empty, then adds N deterministic bulk articles.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { articles: { type: 'string', default: '0' }, seed: { type: 'string', default: '42' }, help: { type: 'boolean' } } });
  if (values.help) return console.log(USAGE);
  const articles = Number(values.articles);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(articles) || articles < 0 || !Number.isSafeInteger(seed)) throw new Error(USAGE);

  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl, 4);
  try {
    await seedIfEmpty(db, (line) => console.log(line));
    if (articles > 0) {
      let lastPrinted = 0;
      const result = await seedBulkArticles(db, {
        articles,
        seed,
        onProgress(done, total) {
          if (done === total || done - lastPrinted >= Math.max(1000, Math.floor(total / 20))) {
            lastPrinted = done;
            console.log(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} articles`);
          }
        },
      });
      console.log(`added ${result.articles.toLocaleString('en')} articles (${result.publications.toLocaleString('en')} publications) in ${result.seconds.toFixed(1)} s`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`seed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
