import pino from 'pino';
import { LocalContentChanges } from '../../src/cache/contentChanges';
import { DataBoundsKeeper, refreshDataBounds } from '../../src/plugins/dataBounds';
import { connectToDatabase, createTestDatabase, TestDatabase } from '../helpers/testDatabase';
import { waitFor } from '../helpers/waitFor';

/**
 * A full read of the data bounds costs what the data holds (~19 s of MySQL at 5,000,000 articles):
 * gateways take the shared row when they start, read in full one at a time, and space their reads
 * by what the last one cost, whichever process made it.
 */

let db: TestDatabase;
const keepers: DataBoundsKeeper[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  for (const k of keepers) k.close();
  await db.drop();
});

const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
const fullReads = async () => Number((await q('SELECT refreshes FROM data_bounds WHERE id = 1'))[0].refreshes);

/** A keeper that wants a full read every 20 ms and checks every 10 ms. */
async function startKeeper(): Promise<DataBoundsKeeper> {
  const keeper = new DataBoundsKeeper(db.dataSource, pino({ level: 'silent' }), { refreshMs: 20, minIntervalMs: 20, pollMs: 10 });
  keepers.push(keeper);
  await keeper.start(new LocalContentChanges());
  return keeper;
}

/** The row changes (as a write's growth changes it), and the keeper has seen it: it polled, and decided, since. */
async function pollSeen(keeper: DataBoundsKeeper): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const before = keeper.revision();
    await q('UPDATE data_bounds SET articles = articles + 1, revision = revision + 1 WHERE id = 1');
    await waitFor('the keeper to take the changed row', () => keeper.revision() !== before);
  }
}

it('a start takes the stored bounds without reading the data; reads are spaced by what the last one cost', async () => {
  await refreshDataBounds(db.dataSource);
  // The last full read took an hour: the next may not begin for 20 hours, whatever refreshMs asks.
  await q('UPDATE data_bounds SET read_ms = 3600000, refreshed_at = UTC_TIMESTAMP() WHERE id = 1');
  const reads = await fullReads();
  const keeper = await startKeeper();
  expect(keeper.current().articles).toBe(Number((await q('SELECT articles FROM data_bounds'))[0].articles));
  await pollSeen(keeper);
  expect(await fullReads()).toBe(reads);

  // A cheap last read, long enough ago: the next is due, and made.
  await q('UPDATE data_bounds SET read_ms = 0, refreshed_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE id = 1');
  await waitFor('a full read', async () => (await fullReads()) > reads);
});

it('one process reads in full at a time: another holding the read lock holds it off', async () => {
  const other = await connectToDatabase(db.url);
  try {
    const [[{ got }]] = (await other.query("SELECT GET_LOCK(CONCAT('lienthong.data_bounds.', DATABASE()), 0) AS got")) as unknown as [[{ got: number }]];
    expect(got).toBe(1);
    await q('UPDATE data_bounds SET read_ms = 0, refreshed_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE id = 1');
    const reads = await fullReads();
    const keeper = await startKeeper();
    await pollSeen(keeper);
    expect(await fullReads()).toBe(reads);
    await other.query("SELECT RELEASE_LOCK(CONCAT('lienthong.data_bounds.', DATABASE()))");
    await waitFor('a full read once the lock is free', async () => (await fullReads()) > reads);
  } finally {
    await other.end();
  }
});
