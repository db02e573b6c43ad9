/** Ids are positive decimal strings that fit an INT UNSIGNED; anything else names nothing. */
export function parseId(id: string): number | null {
  return /^[1-9]\d{0,9}$/.test(id) && Number(id) <= 0xffffffff ? Number(id) : null;
}
