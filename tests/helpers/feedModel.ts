import { readVnAdminMaps } from '../../seeds/vnAdmin';

/**
 * A plain in-memory model of the feed rules of CONTRACT.md, to check the SQL against: which
 * articles a unit's feed holds for each scope, with or without history, and in which order. Units
 * are named by id, as the database names them: an old unit's id is its code ('14620', '376'), a
 * new one's `code@2025-07-01` ('14620@2025-07-01', Xã Phát Diệm).
 */
const maps = readVnAdminMaps();
const unitById = new Map(maps.units.map((u) => [u.id, u]));
const parentOf = new Map(maps.units.map((u) => [u.id, u.parentId]));

export function ancestorsOrSelf(id: string): string[] {
  const out: string[] = [];
  for (let at: string | null | undefined = id; at; at = parentOf.get(at)) out.push(at);
  return out;
}

/** The unit's direct children, in code order. */
export function childrenOf(id: string): string[] {
  return maps.units.filter((u) => u.parentId === id).sort((x, y) => x.code.localeCompare(y.code)).map((u) => u.id);
}

const keptPredecessors = new Map<string, string[]>();
for (const s of maps.successions) {
  if (s.whole || unitById.get(s.fromId)!.level === unitById.get(s.toId)!.level) keptPredecessors.set(s.toId, [...(keptPredecessors.get(s.toId) ?? []), s.fromId]);
}
const histories = new Map<string, string[]>();

/**
 * The units whose feeds a unit's feed gathers with history: itself and, transitively, the
 * predecessors of its own level or that went into it whole (CONTRACT.md: Xã Phát Diệm keeps Thị
 * trấn Phát Diệm, Xã Kim Chính and Xã Thượng Kiệm, not all of Huyện Kim Sơn).
 */
export function historyOf(id: string): string[] {
  let found = histories.get(id);
  if (!found) {
    const members = new Set([id]);
    for (const at of members) for (const from of keptPredecessors.get(at) ?? []) members.add(from);
    histories.set(id, (found = [...members]));
  }
  return found;
}

export interface ModelArticle {
  id: number;
  publishedAt: Date;
  shownOn: string[];
  kind: string;
  topics: string[];
  sourceId: number | null;
  views: number;
}

export type Scope = 'UNIT' | 'SUBTREE' | 'LINEAGE';

/** Whether the article is in one unit's own feed of that scope (no history). */
function inOwnFeed(a: ModelArticle, unit: string, scope: Scope): boolean {
  if (scope === 'UNIT') return a.shownOn.includes(unit);
  if (scope === 'SUBTREE') return a.shownOn.some((u) => ancestorsOrSelf(u).includes(unit));
  const lineage = ancestorsOrSelf(unit);
  return a.shownOn.some((u) => lineage.includes(u));
}

export function inFeed(a: ModelArticle, unit: string, scope: Scope, history = true): boolean {
  return (history ? historyOf(unit) : [unit]).some((member) => inOwnFeed(a, member, scope));
}

export const newestFirst = (x: ModelArticle, y: ModelArticle) => y.publishedAt.getTime() - x.publishedAt.getTime() || y.id - x.id;
export const mostViewedFirst = (x: ModelArticle, y: ModelArticle) => y.views - x.views || newestFirst(x, y);

/** The ids a feed should list, in order. */
export function expectedFeed(
  articles: ModelArticle[],
  opts: { unit?: string; scope?: Scope; history?: boolean; now: Date; order?: 'NEWEST' | 'OLDEST' | 'MOST_VIEWED'; where?: (a: ModelArticle) => boolean },
): number[] {
  const list = articles
    .filter((a) => a.publishedAt <= opts.now)
    .filter((a) => !opts.unit || inFeed(a, opts.unit, opts.scope ?? 'UNIT', opts.history ?? true))
    .filter((a) => !opts.where || opts.where(a));
  const order = opts.order ?? 'NEWEST';
  list.sort(order === 'MOST_VIEWED' ? mostViewedFirst : newestFirst);
  if (order === 'OLDEST') list.reverse();
  return list.map((a) => a.id);
}
