import { AuthCheckerFn, createParameterDecorator } from 'type-graphql';
import { forbidden, unauthenticated } from '../../common/errors';
import { Context } from '../../context';
import { ApiKey } from './apiKey.service';

/**
 * What `@Authorized(...)` asks of the caller's key beyond being valid: `@Authorized()` any key,
 * `@Authorized(adminKey(why))` an admin's, `why` telling an editor who is refused what to do instead.
 * Which units an editor may write to is the services' to check (access.ts): it depends on the rows.
 */
export interface KeyRequirement {
  role: 'admin';
  why?: string;
}

export function adminKey(why?: string): KeyRequirement {
  return { role: 'admin', why };
}

/**
 * The schema's authChecker. It throws our own errors rather than answer false, which type-graphql
 * would turn into its own "Access denied!" with a code that is not in the contract.
 */
export const authChecker: AuthCheckerFn<Context, KeyRequirement> = ({ context }, requirements) => {
  const key = context.auth.key;
  if (!key) throw unauthenticated('this operation needs an API key: send Authorization: Bearer <key>');
  for (const { role, why } of requirements) {
    if (key.role !== role) throw forbidden(why ? `this operation needs an ${role} key: ${why}` : `this operation needs an ${role} key`);
  }
  return true;
};

/** The caller's key, on a field that has `@Authorized` (which has made sure there is one). */
export function CurrentKey() {
  return createParameterDecorator<Context>(({ context, info }): ApiKey => {
    if (!context.auth.key) throw new Error(`@CurrentKey() on ${info.parentType.name}.${info.fieldName}, which has no @Authorized()`);
    return context.auth.key;
  });
}
