import { forbidden } from '../../common/errors';
import { Context } from '../../context';
import { ApiKey } from './apiKey.service';

/**
 * The permission rules of CONTRACT.md in one place: admins may do everything; an editor of U may
 * write articles whose origin is in U's subtree and syndicate to or withdraw from units in it.
 * Sources belong to no unit (every portal lists them all), so only admins add them.
 */

/** The unit whose subtree the key may write to; null for an admin (everywhere). */
export function writableRoot(key: ApiKey): string | null {
  if (key.role === 'admin') return null;
  // An editor always has a unit (ApiKeyService.create); a row without one may write nowhere.
  if (!key.unitCode) throw forbidden('this editor key has no unit');
  return key.unitCode;
}

/** Throws FORBIDDEN unless the key may write articles whose origin is `unitCode`. */
export async function assertMayWriteAt(ctx: Context, key: ApiKey, unitCode: string): Promise<void> {
  const root = writableRoot(key);
  if (root === null) return;
  if (!(await ctx.services.unitTree.isWithin(root, unitCode))) {
    throw forbidden(`this key may write only within unit ${root} and the units below it; ${unitCode} is outside`);
  }
}
