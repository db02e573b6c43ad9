import { batchLoader } from '../../common/loaders';
import type { Services } from '../../services';
import { Tally } from './visitBatch';
import { UnitVisitCounts } from './visitCounters';
import { DailyRange } from './visitRollups';

const dailyKey = (r: DailyRange) => `${r.unitId}/${r.from}/${r.to}`;
const onlineKey = (u: { unitId: string; includeDescendants: boolean }) => `${u.unitId}/${u.includeDescendants}`;

/** The visit counters are read afresh by every request (buffered visits included): no shared cache. */
export function visitLoaders({ visits, db, onBatch }: Services) {
  return {
    visitCounts: batchLoader<string, UnitVisitCounts>(onBatch, 'visit_counts', (codes) => visits.counts(codes, db), { maxBatchSize: 1000 }),
    visitDaily: batchLoader<DailyRange, { date: string; visits: Tally }[], string>(onBatch, 'visit_daily', (ranges) => visits.daily(ranges, db), {
      cacheKeyFn: dailyKey,
      maxBatchSize: 200,
    }),
    visitOnline: batchLoader<{ unitId: string; includeDescendants: boolean }, number, string>(onBatch, 'visit_online', (units) => visits.onlineCounts(units), {
      cacheKeyFn: onlineKey,
      maxBatchSize: 1000,
    }),
    articleViews: batchLoader<number, number | null>(onBatch, 'article_views', (ids) => visits.views(ids, db), { maxBatchSize: 1000 }),
  };
}
