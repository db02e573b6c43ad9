import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { refreshDataBounds } from '../src/plugins/dataBounds';
import { DEFAULT_ARTICLES_END, seedBulkArticles } from './bulk';
import { seedIfEmpty } from './index';
import { DEFAULT_VISITS_END, seedVisits } from './visits';

const USAGE = `usage: npm run seed -- [--articles N [--articles-end YYYY-MM-DD]] [--seed S] [--visit-days N [--visits-end YYYY-MM-DD]]   (DATABASE_URL picks the database)
  --articles N     N articles dated over the 365 days ending --articles-end (default ${DEFAULT_ARTICLES_END}); those dated
                   from 2025-07-01 on are on the new map
  --visit-days N   also N days of visits to every unit, ending --visits-end (default ${DEFAULT_VISITS_END})`;

/**
 * `npm run seed`: creates and migrates the database if needed, loads the units and demo content
 * when empty, then adds N deterministic bulk articles.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      articles: { type: 'string', default: '0' },
      'articles-end': { type: 'string', default: DEFAULT_ARTICLES_END },
      seed: { type: 'string', default: '42' },
      'visit-days': { type: 'string', default: '0' },
      'visits-end': { type: 'string', default: DEFAULT_VISITS_END },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(USAGE);
  const articles = Number(values.articles);
  const seed = Number(values.seed);
  const visitDays = Number(values['visit-days']);
  if (!Number.isSafeInteger(articles) || articles < 0 || !Number.isSafeInteger(seed) || !Number.isSafeInteger(visitDays) || visitDays < 0) throw new Error(USAGE);

  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl, 4);
  try {
    await seedIfEmpty(db, (line) => console.log(line));
    if (articles > 0) {
      let lastPrinted = 0;
      const result = await seedBulkArticles(db, {
        articles,
        seed,
        end: values['articles-end'],
        onProgress(done, total) {
          if (done === total || done - lastPrinted >= Math.max(1000, Math.floor(total / 20))) {
            lastPrinted = done;
            console.log(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} articles`);
          }
        },
      });
      console.log(`added ${result.articles.toLocaleString('en')} articles (${result.publications.toLocaleString('en')} publications) in ${result.seconds.toFixed(1)} s`);
    }
    // Exact bounds for the maps and articles loaded: gateways serving this database take them within a second.
    await refreshDataBounds(db);
    if (visitDays > 0) {
      const v = await seedVisits(db, { days: visitDays, end: values['visits-end'], seed });
      console.log(
        `added ${v.visits.toLocaleString('en')} visits to ${v.units.toLocaleString('en')} units, ${v.from} to ${v.to} (${v.rows.toLocaleString('en')} daily rows) in ${v.seconds.toFixed(1)} s`,
      );
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`seed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
