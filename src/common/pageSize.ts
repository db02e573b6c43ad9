import { badUserInput } from './errors';

/** How many items a list's `first` argument may ask for, and how many it gets when left out. */
export interface PageSize {
  min: number;
  max: number;
  default: number;
}

/** `first` as the resolver takes it: the default when left out, BAD_USER_INPUT outside the range. */
export function pageSizeOf(rule: PageSize, first: number | null | undefined): number {
  const size = first ?? rule.default;
  if (!Number.isInteger(size) || size < rule.min || size > rule.max) throw badUserInput(`first must be between ${rule.min} and ${rule.max}, got ${size}`, 'first');
  return size;
}

/**
 * `first` as the query-cost estimate counts it, before any resolver has run: out of range is the
 * resolver's to refuse, so it is not counted as more than the most a page holds.
 */
export function pageSizeForCost(rule: PageSize, first: unknown): number {
  return Math.max(0, Math.min(typeof first === 'number' ? first : rule.default, rule.max));
}
