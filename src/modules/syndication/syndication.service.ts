import { EntityManager } from 'typeorm';
import { badUserInput } from '../../common/errors';
import { isUnitCode, parseId } from '../../common/ids';
import { wholeSeconds } from '../../db/datetime';
import { Database, withTransaction } from '../../db/transaction';
import { syndicate, withdraw } from '../articles/publishing';
import { ContentChanges } from '../../cache/contentChanges';
import { articlesChanged, articlesLeaving } from '../articles/articleChanges';
import { vietnamDay } from '../../common/vietnamDay';
import { unitWithCode } from '../units/unit.service';
import { UnitTree } from '../units/unitTree';
import { SyndicationRejection, SyndicationResult } from './syndication.types';

/** At most this many article-unit pairs per call (CONTRACT.md). */
export const MAX_PAIRS = 100_000;

export interface SyndicationRequest {
  articleIds: string[];
  targetCodes: string[];
  includeDescendants: boolean;
  dryRun: boolean;
  /** The unit whose subtree the caller may write to; null for everywhere (admin). */
  writableRoot: string | null;
  now: Date;
}

type Mode = 'syndicate' | 'withdraw';

interface Plan {
  articleIds: number[];
  /** Origin of each article that exists. */
  origins: Map<number, string>;
  /** Expanded target units the caller may write to (ids). */
  units: string[];
  /** The code of each unit of the expansion, for rejections. */
  codeOf: Map<string, string>;
  requested: number;
  rejected: SyndicationRejection[];
  rejectedPairs: number;
}

/**
 * syndicate and withdraw: show articles on more portals, or stop showing them. Each call is one
 * transaction of a few set-based statements whatever the number of pairs (an INSERT … SELECT or a
 * DELETE over `article IN (…) × unit IN (…)`), so 100,000 pairs cost what 10 do, give or take the
 * rows written. Idempotent by construction: pairs already as asked count as unchanged. A dry run
 * does all of it and rolls back, so its counts are exactly what a real call would report.
 */
export class SyndicationService {
  constructor(
    private readonly db: Database,
    private readonly changes: ContentChanges,
  ) {}

  syndicate(request: SyndicationRequest): Promise<SyndicationResult> {
    return this.run('syndicate', request);
  }

  withdraw(request: SyndicationRequest): Promise<SyndicationResult> {
    return this.run('withdraw', request);
  }

  private async run(mode: Mode, request: SyndicationRequest): Promise<SyndicationResult> {
    // A cheap refusal before any SQL: the expansion below can only add units.
    if (request.articleIds.length * request.targetCodes.length > MAX_PAIRS) {
      throw badUserInput(`at most ${MAX_PAIRS} article-unit pairs per call; split the call`, 'input');
    }
    return withTransaction(
      this.db,
      async (m) => {
        const plan = await this.plan(m, mode, request);
        return mode === 'syndicate' ? this.applySyndicate(m, plan, wholeSeconds(request.now)) : this.applyWithdraw(m, plan);
      },
      { rollback: request.dryRun },
    );
  }

  /** Which pairs exist, which the caller may touch, and what to say about the rest. */
  private async plan(m: EntityManager, mode: Mode, request: SyndicationRequest): Promise<Plan> {
    const rejected: SyndicationRejection[] = [];
    const namedArticles = [...new Set(request.articleIds)];
    const namedTargets = [...new Set(request.targetCodes)];

    const ids = namedArticles.map(parseId).filter((id): id is number => id !== null);
    const origins = new Map<number, string>();
    for (let i = 0; i < ids.length; i += 10_000) {
      // By the primary key, as the article writer locks them: through ix_articles_origin (which covers
      // these columns) this would lock index entries an updateArticle moving the article needs, and deadlock with it.
      const rows: { id: number; origin_id: string }[] = await m.query('SELECT id, origin_id FROM articles FORCE INDEX (PRIMARY) WHERE id IN (?) FOR UPDATE', [
        ids.slice(i, i + 10_000),
      ]);
      for (const r of rows) origins.set(r.id, r.origin_id);
    }
    for (const raw of namedArticles) {
      const id = parseId(raw);
      if (id === null || !origins.has(id)) rejected.push({ articleId: raw, targetCode: null, reason: 'there is no such article' });
    }

    const tree = new UnitTree(m);
    // Each named target with the units it stands for (itself, or its whole subtree).
    const targetIds = await this.targetUnits(m, mode, namedTargets.filter(isUnitCode), request.now, rejected);
    const byId = await tree.expand([...targetIds.values()], request.includeDescendants);
    const expansion = new Map([...targetIds].map(([code, id]) => [code, byId.get(id)!.map((u) => u.id)]));
    const codeOf = new Map([...byId.values()].flat().map((u) => [u.id, u.code]));
    const missingTargets = namedTargets.filter((code) => !expansion.has(code));
    for (const code of missingTargets) {
      if (!rejected.some((r) => r.targetCode === code)) rejected.push({ articleId: null, targetCode: code, reason: 'there is no such unit' });
    }

    const allUnits = new Set([...expansion.values()].flat());
    const requested = namedArticles.length * (allUnits.size + missingTargets.length);
    if (requested > MAX_PAIRS) {
      throw badUserInput(`these arguments name ${requested} article-unit pairs; at most ${MAX_PAIRS} per call`, 'input');
    }

    let allowed = allUnits;
    if (request.writableRoot !== null && allUnits.size > 0) {
      allowed = await tree.within(request.writableRoot, [...allUnits]);
      let root: string | null = null;
      for (const [target, units] of expansion) {
        const outside = units.filter((u) => !allowed.has(u)).length;
        if (outside === 0) continue;
        root ??= await this.describeUnit(m, request.writableRoot);
        const what = units.length === 1 ? `unit ${target} is` : `${outside} of the ${units.length} units of ${target}'s subtree are`;
        rejected.push({ articleId: null, targetCode: target, reason: `${what} outside unit ${root}, which this key may write to` });
      }
    }
    const applicable = origins.size * allowed.size;
    return { articleIds: [...origins.keys()], origins, units: [...allowed], codeOf, requested, rejected, rejectedPairs: requested - applicable };
  }

  /** "14620 (Xã Phát Diệm)": a unit as callers name it, for messages. */
  private async describeUnit(m: EntityManager, id: string): Promise<string> {
    const [unit]: { code: string; full_name: string }[] = await m.query('SELECT code, full_name FROM units WHERE id = ?', [id]);
    return unit ? `${unit.code} (${unit.full_name})` : id;
  }

  /**
   * The unit each code names (CONTRACT.md): for syndicate the one in force today, an ended one being
   * rejected with its successors named; for withdraw the one in force today, else the last that had
   * the code. Codes of no unit are left out.
   */
  private async targetUnits(m: EntityManager, mode: Mode, codes: string[], now: Date, rejected: SyndicationRejection[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (codes.length === 0) return found;
    const today = vietnamDay(now.getTime());
    const tree = new UnitTree(m);
    const rows = await tree.withCodes(codes);
    for (const code of codes) {
      const unit = unitWithCode(rows.filter((r) => r.code === code), null, today);
      if (!unit) continue;
      if (mode === 'syndicate' && unit.validTo !== null && unit.validTo < today) {
        const to = (await tree.successors(unit.id)).map((x) => x.code).join(', ');
        rejected.push({ articleId: null, targetCode: code, reason: `unit ${code} ended on ${unit.validTo}${to ? `; its successors: ${to}` : ''}` });
        continue;
      }
      found.set(code, unit.id);
    }
    return found;
  }

  private async applySyndicate(m: EntityManager, plan: Plan, now: Date): Promise<SyndicationResult> {
    const applicable = plan.articleIds.length * plan.units.length;
    const changed = applicable > 0 ? await syndicate(m, plan.articleIds, plan.units, now) : 0;
    if (changed > 0) articlesChanged(m, this.changes, plan.articleIds);
    return { requested: plan.requested, changed, unchanged: applicable - changed, rejectedPairs: plan.rejectedPairs, rejected: plan.rejected };
  }

  private async applyWithdraw(m: EntityManager, plan: Plan): Promise<SyndicationResult> {
    const units = new Set(plan.units);
    const rejected = [...plan.rejected];
    let originPairs = 0;
    for (const [articleId, origin] of plan.origins) {
      if (!units.has(origin)) continue;
      originPairs++;
      rejected.push({ articleId: String(articleId), targetCode: plan.codeOf.get(origin) ?? origin, reason: 'an article is never withdrawn from its origin' });
    }
    const applicable = plan.articleIds.length * plan.units.length;
    if (applicable > 0) await articlesLeaving(m, this.changes, plan.articleIds);
    const changed = applicable > 0 ? await withdraw(m, plan.articleIds, plan.units) : 0;
    return {
      requested: plan.requested,
      changed,
      unchanged: applicable - originPairs - changed,
      rejectedPairs: plan.rejectedPairs + originPairs,
      rejected,
    };
  }
}
