import { badUserInput } from './errors';

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
