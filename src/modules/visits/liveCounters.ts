import { getNamedType, GraphQLField, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema, isObjectType } from 'graphql';
import { Extensions } from 'type-graphql';
import type { LiveCounterField } from '../../cache/cachePolicy';
import { requestDatabase } from '../../db/requestDatabase';
import { StatementTally } from '../../db/statementCounter';
import type { DataSource } from 'typeorm';
import type { VisitCounters } from './visitCounters';

/**
 * Live counters: the visit counters ('Lượt truy cập', 'Hôm nay', 'Trực tuyến', Article.views) that a
 * kept answer (cache/keptAnswers.ts) never keeps. Their fields are marked @LiveCounterField() where they
 * are declared; their resolvers note where they are in the answer (noteLiveCounter), and each kept
 * answer reads them afresh (readLiveCounters), batched as the loaders would.
 */

export interface UnitCounter {
  kind: 'total' | 'today' | 'online';
  unitId: string;
  includeDescendants: boolean;
}
export interface ViewsCounter {
  kind: 'views';
  articleId: number;
  /** What the article's row said when loaded: Article.views' answer for an article deleted since. */
  views: number;
}
/** What a counter's resolver reads, before its place is known. */
export type CounterReading = UnitCounter | ViewsCounter;
/** One visit counter in an answer being kept: the keys leading to it, and what it counts. */
export type LiveCounter = CounterReading & {
  /** Response keys (aliases included) and list indexes from the root to the counter (keptAnswers' LiveValue). */
  path: (string | number)[];
};

const LIVE = 'liveCounter';

/** Marks a counter field, or a type that holds counters (the field leading to it is never cached as a whole). */
export function LiveCounterField(): ReturnType<typeof Extensions> {
  return Extensions({ [LIVE]: true });
}

/**
 * The counters, and the fields that lead to them, as marked with @LiveCounterField() (for
 * cache/cachePolicy.ts). Read from the type-graphql schema: the subgraph schema served is rebuilt
 * from its SDL, which carries no extensions.
 */
export function liveCounterFields(declared: GraphQLSchema): LiveCounterField {
  const fields = new Set<string>();
  const types = new Set<string>();
  for (const type of Object.values(declared.getTypeMap())) {
    if (!isObjectType(type)) continue;
    if (type.extensions[LIVE] === true) types.add(type.name);
    for (const field of Object.values(type.getFields())) if (field.extensions[LIVE] === true) fields.add(`${type.name}.${field.name}`);
  }
  return (parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>) => fields.has(`${parent.name}.${field.name}`) || types.has(getNamedType(field.type).name);
}

/** Called by the counters' resolvers: notes where the counter is, when the answer is to be kept. */
export function noteLiveCounter(liveCounters: LiveCounter[] | undefined, info: GraphQLResolveInfo, counter: CounterReading): void {
  if (!liveCounters) return;
  const path: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.push(p.key);
  liveCounters.push({ ...counter, path: path.reverse() });
}

/** Reads counters afresh for kept answers, on the request's database (its statements counted). */
export function readLiveCounters({ visits, dataSource }: { visits: VisitCounters; dataSource: DataSource }): { read(counters: CounterReading[], tally: StatementTally): Promise<number[]> } {
  return {
    async read(counters: CounterReading[], tally: StatementTally): Promise<number[]> {
      const db = requestDatabase(dataSource, tally);
      const tallies: number[] = [];
      const online: number[] = [];
      const views: number[] = [];
      counters.forEach((c, i) => (c.kind === 'views' ? views : c.kind === 'online' ? online : tallies).push(i));
      const unitOf = (i: number) => counters[i] as UnitCounter;
      const unitIds = [...new Set(tallies.map((i) => unitOf(i).unitId))];
      const [counts, onlineCounts, viewCounts] = await Promise.all([
        unitIds.length ? visits.counts(unitIds, db) : [],
        online.length ? visits.onlineCounts(online.map((i) => ({ unitId: unitOf(i).unitId, includeDescendants: unitOf(i).includeDescendants }))) : [],
        views.length ? visits.views(views.map((i) => (counters[i] as ViewsCounter).articleId), db) : [],
      ]);
      const values: number[] = new Array<number>(counters.length);
      const countOf = new Map(unitIds.map((id, i) => [id, counts[i]]));
      for (const i of tallies) {
        const c = unitOf(i);
        const tally = countOf.get(c.unitId)![c.kind as 'total' | 'today'];
        values[i] = c.includeDescendants ? tally.subtree : tally.own;
      }
      online.forEach((i, n) => (values[i] = onlineCounts[n]));
      views.forEach((i, n) => (values[i] = viewCounts[n] ?? (counters[i] as ViewsCounter).views));
      return values;
    },
  };
}
