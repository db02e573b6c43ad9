/** Visits to one unit's own portal, and to it or any unit below it. */
export interface Tally {
  own: number;
  subtree: number;
}

/**
 * Visits counted in memory and not yet in MySQL, already shaped as the rollup rows a flush adds:
 * per unit and day, per unit all-time, per article and day, per article all-time. A visit to a
 * commune adds to the commune's `own` and to the `subtree` of the commune and of every unit above it
 * (its lineage), so that subtree sums never have to be computed when read.
 *
 * `rows` is how many rows a flush of the batch writes: the buffer's bound is counted in it, since
 * it grows with distinct units, articles and days, not with visits.
 */
export class VisitBatch {
  /** Set when a flush takes the batch: the number its flush writes to visit_flush_marks. */
  seq: number | null = null;
  readonly unitDays = new Map<string, Map<string, Tally>>();
  readonly unitTotals = new Map<string, Tally>();
  readonly articleDays = new Map<number, Map<string, number>>();
  readonly articleTotals = new Map<number, number>();
  rows = 0;
  /** Visits and article views in the batch. */
  visits = 0;
  views = 0;

  get isEmpty(): boolean {
    return this.visits === 0 && this.views === 0;
  }

  /** How many rows adding this visit would create (0 when every row it touches exists). */
  newRowsFor(lineage: readonly string[], day: string, articleId: number | null): number {
    let n = 0;
    for (const unit of lineage) {
      if (!this.unitTotals.has(unit)) n += 1;
      if (!this.unitDays.get(unit)?.has(day)) n += 1;
    }
    if (articleId !== null) {
      if (!this.articleTotals.has(articleId)) n += 1;
      if (!this.articleDays.get(articleId)?.has(day)) n += 1;
    }
    return n;
  }

  /** One visit to lineage[0] (the unit, then every unit above it), and one view of the article. */
  add(lineage: readonly string[], day: string, articleId: number | null): void {
    this.addUnits(lineage[0], lineage, day, 1);
    this.visits += 1;
    if (articleId !== null) {
      this.addArticle(articleId, day, 1);
      this.views += 1;
    }
  }

  /** Adds every count of `other` to this batch (a failed flush's batch going back into the buffer). */
  absorb(other: VisitBatch): void {
    for (const [unit, days] of other.unitDays) {
      for (const [day, t] of days) {
        const own = this.unitDay(unit, day);
        own.own += t.own;
        own.subtree += t.subtree;
      }
    }
    for (const [unit, t] of other.unitTotals) {
      const total = this.unitTotal(unit);
      total.own += t.own;
      total.subtree += t.subtree;
    }
    for (const [articleId, days] of other.articleDays) for (const [day, n] of days) this.addArticleDay(articleId, day, n);
    for (const [articleId, n] of other.articleTotals) this.addArticleTotal(articleId, n);
    this.visits += other.visits;
    this.views += other.views;
  }

  private addUnits(unit: string, lineage: readonly string[], day: string, n: number): void {
    for (const code of lineage) {
      const d = this.unitDay(code, day);
      const t = this.unitTotal(code);
      d.subtree += n;
      t.subtree += n;
      if (code === unit) {
        d.own += n;
        t.own += n;
      }
    }
  }

  private addArticle(articleId: number, day: string, n: number): void {
    this.addArticleDay(articleId, day, n);
    this.addArticleTotal(articleId, n);
  }

  private addArticleDay(articleId: number, day: string, n: number): void {
    let days = this.articleDays.get(articleId);
    if (!days) this.articleDays.set(articleId, (days = new Map()));
    const before = days.get(day);
    if (before === undefined) this.rows++;
    days.set(day, (before ?? 0) + n);
  }

  private addArticleTotal(articleId: number, n: number): void {
    const before = this.articleTotals.get(articleId);
    if (before === undefined) this.rows++;
    this.articleTotals.set(articleId, (before ?? 0) + n);
  }

  private unitDay(unit: string, day: string): Tally {
    let days = this.unitDays.get(unit);
    if (!days) this.unitDays.set(unit, (days = new Map()));
    let t = days.get(day);
    if (!t) {
      days.set(day, (t = { own: 0, subtree: 0 }));
      this.rows++;
    }
    return t;
  }

  private unitTotal(unit: string): Tally {
    let t = this.unitTotals.get(unit);
    if (!t) {
      this.unitTotals.set(unit, (t = { own: 0, subtree: 0 }));
      this.rows++;
    }
    return t;
  }
}
