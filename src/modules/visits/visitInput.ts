import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { badUserInput } from '../../common/errors';
import { isUnitCode, parseId } from '../../common/ids';
import { visitorKey } from './admission/visitAdmission';
import { VisitTargets } from './visitTargets';

/** recordVisit's input, and its checks before anything is counted (VisitCounters.check). */

export interface RecordVisitInput {
  unitCode: string;
  articleId: string | null;
  visitorId: string;
}

/** A recordVisit whose input has been checked (check()): what count() needs. */
export interface CheckedVisit {
  unitCode: string;
  /** The unit, then every unit above it. */
  lineage: readonly string[];
  article: number | null;
  /** visitorKey() of its visitorId. */
  visitor: string;
}

/** 1-128 characters, none of them a control, format, unassigned or line/paragraph separator. */
const VISITOR_ID = /^[^\p{C}\p{Zl}\p{Zp}]{1,128}$/u;

/** A caller's text quoted in an error message, cut short. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * The checks of one recordVisit, before anything is counted: BAD_USER_INPUT for an unknown unit or
 * article, an article not shown on that unit (or not yet public), or a bad visitorId. No SQL once
 * the unit and the article are in VisitTargets' caches.
 */
export async function checkVisit({ unitCode, articleId, visitorId }: RecordVisitInput, targets: VisitTargets, clock: Clock, db: DataSource): Promise<CheckedVisit> {
  if (!VISITOR_ID.test(visitorId)) throw badUserInput('visitorId must be 1 to 128 printable characters', 'visitorId');
  if (!isUnitCode(unitCode)) throw badUserInput(`there is no unit with code ${quote(unitCode)}`, 'unitCode');
  const article = articleId === null ? null : parseId(articleId);
  if (articleId !== null && article === null) throw badUserInput(`there is no article with id ${quote(articleId)}`, 'articleId');

  const lineage = await targets.lineage(unitCode, db);
  if (!lineage) throw badUserInput(`there is no unit with code ${quote(unitCode)}`, 'unitCode');
  if (article !== null) {
    const state = await targets.articleOnUnit(article, lineage[0], db);
    // A scheduled article does not exist for the public until its time.
    if (state.kind === 'unknown' || state.visibleFrom > clock.now()) throw badUserInput(`there is no article with id ${quote(articleId!)}`, 'articleId');
    if (state.kind === 'not-shown') throw badUserInput(`article ${article} is not shown on unit ${unitCode}`, 'articleId');
  }
  return { unitCode, lineage, article, visitor: visitorKey(visitorId) };
}
