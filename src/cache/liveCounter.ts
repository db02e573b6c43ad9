/** One visit counter in a response kept by keptAnswers.ts: the keys leading to it, and what it counts. */
export type LiveCounter = (UnitCounter | ViewsCounter) & Placed;
export interface Placed {
  /** Response keys (aliases included) and list indexes from the root to the counter. */
  path: (string | number)[];
}
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
