import { badUserInput } from '../../common/errors';
import { isUnitCode, unitCodeArgument } from '../../common/ids';
import { vietnamDay } from '../../common/vietnamDay';
import { Context } from '../../context';
import { Unit, UnitLevel } from './unit.entity';
import { unitWithCode } from './unit.service';

/** Today in Vietnam, as this request sees it. */
export function today(ctx: Context): string {
  return vietnamDay(ctx.now.getTime());
}

/**
 * The unit a code names (CONTRACT.md): with `on`, the one in force that day; without, the one in
 * force today, else the last one that had the code. Null when there is none (of that level).
 */
export async function unitByCode(ctx: Context, code: string, on: string | null | undefined, level?: UnitLevel): Promise<Unit | null> {
  if (!isUnitCode(code)) return null;
  const units = (await ctx.loaders.unitsByCode.load(code)).filter((u) => !level || u.level === level);
  const unit = unitWithCode(units, on ?? null, today(ctx));
  if (unit) ctx.loaders.unit.prime(unit.id, unit);
  return unit;
}

/** "14620 Xã Phát Diệm, 14623 Xã Bình Minh": where an ended unit went, for messages. */
export async function successorNames(ctx: Context, unit: Unit): Promise<string> {
  const successions = await ctx.loaders.successors.load(unit.id);
  const units = await Promise.all(successions.map((s) => ctx.loaders.unit.load(s.unitId)));
  return units.map((u) => `${u!.code} ${u!.fullName}`).join(', ');
}

/**
 * The unit in force today with this code, for a write (CONTRACT.md: writing targets units in
 * force). BAD_USER_INPUT naming `field` when there is none, naming the successors when it ended.
 */
export async function unitInForce(ctx: Context, code: string, field: string): Promise<Unit> {
  unitCodeArgument(code, field);
  const unit = await unitByCode(ctx, code, null);
  if (!unit) throw badUserInput(`${field}: there is no unit ${code}`, field);
  if (unit.validTo !== null && unit.validTo < today(ctx)) {
    const successors = await successorNames(ctx, unit);
    throw badUserInput(`${field}: ${unit.fullName} (${code}) ended on ${unit.validTo}${successors ? `; write at its successors: ${successors}` : ''}`, field);
  }
  return unit;
}
