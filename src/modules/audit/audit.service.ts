import { DataSource } from 'typeorm';
import { RefusalLog } from './refusalLog';

export type AuditOutcome = 'applied' | 'refused' | 'failed' | 'rolledBack';

export interface AuditRecord {
  at: Date;
  keyId: number | null;
  requestId: string;
  operation: string;
  arguments: string;
  outcome: AuditOutcome;
  errorCode: string | null;
  detail: string | null;
}

export interface AuditEntryRow extends AuditRecord {
  id: number;
}

const MAX_STRING = 200;
const MAX_LIST = 20;
const MAX_ARGUMENTS = 4000;

/** Arguments as the audit keeps them: long text cut, long lists summarised, never a whole body. */
export function summarizeArguments(value: unknown): string {
  const shrink = (v: unknown): unknown => {
    if (typeof v === 'string') return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}… (${v.length} characters)` : v;
    if (Array.isArray(v)) return v.length > MAX_LIST ? [...v.slice(0, MAX_LIST).map(shrink), `… (${v.length} items)`] : v.map(shrink);
    if (v instanceof Date) return v.toISOString();
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, shrink(x)]));
    return v;
  };
  const text = JSON.stringify(shrink(value)) ?? 'null';
  return text.length > MAX_ARGUMENTS ? `${text.slice(0, MAX_ARGUMENTS)}…` : text;
}

/**
 * The audit trail: who did what, when, and how it ended. "Who" is a key: a call without a valid key
 * can only be refused, and such refusals go to the rate-limited log instead of a row each (one
 * anonymous request of 500 aliased mutations wrote 500 rows).
 */
export class AuditService {
  constructor(
    private readonly db: DataSource,
    private readonly refusals: RefusalLog,
  ) {}

  async record(r: AuditRecord): Promise<void> {
    if (r.keyId === null) {
      this.refusals.note(r);
      return;
    }
    await this.db.query(
      'INSERT INTO audit_log (at, key_id, request_id, operation, arguments, outcome, error_code, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [r.at, r.keyId, r.requestId, r.operation, r.arguments, r.outcome, r.errorCode, r.detail?.slice(0, 1000) ?? null],
    );
  }

  /** Newest first; `before` is an entry id to continue from. */
  async list(filter: { first: number; before: number | null; operation: string | null; keyId: number | null }): Promise<AuditEntryRow[]> {
    const conditions: [string, unknown][] = [];
    if (filter.before !== null) conditions.push(['id < ?', filter.before]);
    if (filter.operation !== null) conditions.push(['operation = ?', filter.operation]);
    if (filter.keyId !== null) conditions.push(['key_id = ?', filter.keyId]);
    const where = conditions.map(([sql]) => sql);
    const params = conditions.map(([, value]) => value);
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT id, at, key_id, request_id, operation, arguments, outcome, error_code, detail FROM audit_log
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      [...params, filter.first],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: r.at as Date,
      keyId: r.key_id == null ? null : Number(r.key_id),
      requestId: r.request_id as string,
      operation: r.operation as string,
      arguments: r.arguments as string,
      outcome: r.outcome as AuditOutcome,
      errorCode: (r.error_code as string | null) ?? null,
      detail: (r.detail as string | null) ?? null,
    }));
  }
}
