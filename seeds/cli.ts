import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { refreshDataBounds } from '../src/plugins/dataBounds';
import { DEFAULT_ARTICLES_DAYS, DEFAULT_ARTICLES_END, seedBulkArticles } from './bulk';
import { seedIfEmpty } from './index';
import { abandonSeedRun, beginSeedRun, finishSeedRun } from './seedRuns';
import { DEFAULT_VISITS_END, refuseRecordedDays, seedVisits } from './visits';
import { dayFromNumber, parseDay } from '../src/common/vietnamDay';

const USAGE = `usage: npm run seed -- [--articles N [--articles-days D] [--articles-end YYYY-MM-DD]] [--seed S] [--visit-days N [--visits-end YYYY-MM-DD]]   (DATABASE_URL picks the database)
  --articles N     N articles dated over the D days (default ${DEFAULT_ARTICLES_DAYS}) ending --articles-end (default ${DEFAULT_ARTICLES_END});
                   those dated from 2025-07-01 on are on the new map
  --visit-days N   also N days of visits to every unit in force on them, ending --visits-end (default ${DEFAULT_VISITS_END})
An interrupted load is finished by running the same command again.`;

/**
 * `npm run seed`: creates and migrates the database if needed, loads the units and demo content
 * when empty, then adds N deterministic bulk articles and D days of visits, as one run that an
 * interruption does not spoil (seeds/seedRuns.ts).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      articles: { type: 'string', default: '0' },
      'articles-end': { type: 'string', default: DEFAULT_ARTICLES_END },
      'articles-days': { type: 'string', default: String(DEFAULT_ARTICLES_DAYS) },
      seed: { type: 'string', default: '42' },
      'visit-days': { type: 'string', default: '0' },
      'visits-end': { type: 'string', default: DEFAULT_VISITS_END },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(USAGE);
  const articles = Number(values.articles);
  const articleDays = Number(values['articles-days']);
  const seed = Number(values.seed);
  const visitDays = Number(values['visit-days']);
  if (!Number.isSafeInteger(articles) || articles < 0 || !Number.isSafeInteger(seed) || !Number.isSafeInteger(visitDays) || visitDays < 0 || !Number.isSafeInteger(articleDays) || articleDays < 1) throw new Error(USAGE);

  const visitsEnd = values['visits-end'];
  if (visitDays > 0 && parseDay(visitsEnd) === null) throw new Error(USAGE);

  const config = loadConfig();
  const db = await openDatabase(config.databaseUrl, 4);
  try {
    await seedIfEmpty(db, (line) => console.log(line));
    if (articles === 0 && visitDays === 0) return await refreshDataBounds(db);
    // The whole command is one run: run again after an interruption, it finishes what is missing.
    const command = [
      articles > 0 ? `--articles ${articles} --articles-days ${articleDays} --articles-end ${values['articles-end']}` : '',
      visitDays > 0 ? `--visit-days ${visitDays} --visits-end ${visitsEnd}` : '',
      `--seed ${seed}`,
    ].filter(Boolean).join(' ');
    const run = await beginSeedRun(db, command);
    try {
      if (run.committed.size > 0) console.log(`finishing the interrupted seed ${command}`);
      // Refused before any article is written, not after an hour of them.
      else if (visitDays > 0) await refuseRecordedDays(db, dayFromNumber(parseDay(visitsEnd)! - visitDays + 1), visitsEnd);
      if (articles > 0) {
        let lastPrinted = 0;
        const result = await seedBulkArticles(db, {
          articles,
          seed,
          end: values['articles-end'],
          days: articleDays,
          run,
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
        const v = await seedVisits(db, { days: visitDays, end: visitsEnd, seed, run });
        console.log(
          `added ${v.visits.toLocaleString('en')} visits to ${v.units.toLocaleString('en')} units, ${v.from} to ${v.to} (${v.rows.toLocaleString('en')} daily rows) in ${v.seconds.toFixed(1)} s`,
        );
      }
    } catch (e) {
      await abandonSeedRun(db, run);
      throw e;
    }
    await finishSeedRun(db, run);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`seed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
