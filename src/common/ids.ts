import { badUserInput } from './errors';

/**
 * The identifiers a caller can name, each in the exact alphabet it is stored in. Checked here, before
 * any SQL, because the columns are ascii_bin with PAD SPACE: MySQL finds '14623 ' equal to '14623'
 * (so a lookup or a permission check passes and the padded value is stored, then matches no loader
 * key), and refuses non-ASCII text against them with "Illegal mix of collations", failing every
 * lookup batched with it. A value outside its alphabet names nothing.
 */

/** Ids are positive decimal strings that fit an INT UNSIGNED; anything else names nothing. */
export function parseId(id: string): number | null {
  return /^[1-9]\d{0,9}$/.test(id) && Number(id) <= 0xffffffff ? Number(id) : null;
}

/** An id argument the caller must get right: null stays null, anything malformed is BAD_USER_INPUT naming `field`. */
export function idArgument(value: string | null | undefined, field: string): number | null {
  if (value == null) return null;
  const parsed = parseId(value);
  if (parsed === null) throw badUserInput(`${field} is not an id`, field);
  return parsed;
}

/**
 * GSO codes are 2 (province), 3 (district) or 5 (commune) ASCII digits, nothing around them (`\d`
 * without the u flag is ASCII only, and `$` without m is the very end).
 */
export function isUnitCode(code: string): boolean {
  return /^\d{2,5}$/.test(code);
}

/**
 * Unit ids (AdministrativeUnit.id): a code for the map in force until 2025-06-30, `code@YYYY-MM-DD`
 * (the first day in force) for later units. Opaque to callers; checked like codes, for the same reasons.
 */
export function isUnitId(id: string): boolean {
  return /^\d{2,5}(@\d{4}-\d{2}-\d{2})?$/.test(id);
}

/** A unit code argument the caller must get right (where it is written): anything else is BAD_USER_INPUT naming `field`. */
export function unitCodeArgument(value: string, field: string): string {
  if (!isUnitCode(value)) throw badUserInput(`${field} must be a unit code: 2 to 5 digits, e.g. '37', '376', '14623'`, field);
  return value;
}

/** The longest slug an article can have (articles.slug is VARCHAR(200)). */
export const MAX_SLUG_LENGTH = 200;

/** Slugs are lower-case ASCII letters and digits joined by single hyphens ('cai-cach-hanh-chinh-2'). */
export function isSlug(slug: string): boolean {
  return slug.length <= MAX_SLUG_LENGTH && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug);
}

/** Mutation names as the audit trail keeps them: GraphQL names (audit_log.operation is VARCHAR(64) ascii). */
export function isOperationName(name: string): boolean {
  return /^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name);
}
