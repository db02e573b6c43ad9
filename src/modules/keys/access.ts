import { forbidden } from '../../common/errors';
import { Context } from '../../context';
import { ApiKey } from './apiKey.service';

/**
 * The permission rules of CONTRACT.md in one place: admins may do everything; an editor of U may
 * write articles whose origin is in U's subtree, or in the subtree of a unit whose archive U keeps
 * (its predecessors, unitTree.ts), and syndicate to or withdraw from units in those.
 * Sources belong to no unit (every portal lists them all), so only admins add them.
 */

/** The unit whose subtree the key may write to; null for an admin (everywhere). */
export function writableRoot(key: ApiKey): string | null {
  if (key.role === 'admin') return null;
  // An editor always has a unit (ApiKeyService.create); a row without one may write nowhere.
  if (!key.unitId) throw forbidden('this editor key has no unit');
  return key.unitId;
}

/** Throws FORBIDDEN unless the key may write articles whose origin is the unit `unitId`. */
export async function assertMayWriteAt(ctx: Context, key: ApiKey, unitId: string): Promise<void> {
  const root = writableRoot(key);
  if (root === null) return;
  if (!(await ctx.services.unitTree.isWithin(root, unitId))) {
    const [keyUnit, target] = await ctx.loaders.unit.loadMany([root, unitId]);
    const name = (unit: typeof keyUnit, id: string) => (unit && !(unit instanceof Error) ? `${unit.code} (${unit.fullName})` : id);
    throw forbidden(`this key may write only within unit ${name(keyUnit, root)}, the units below it and the archive it keeps; ${name(target, unitId)} is outside`);
  }
}
