/**
 * GSO codes are 2 (province), 3 (district) or 5 (commune) digits. Anything else cannot name a unit,
 * so lookups answer null without asking MySQL.
 */
export function isUnitCode(code: string): boolean {
  return /^\d{2,5}$/.test(code);
}
