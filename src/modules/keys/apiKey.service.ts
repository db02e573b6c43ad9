import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isUnitCode } from '../../common/ids';
import { vietnamDay } from '../../common/vietnamDay';
import { invisibleCharacter } from '../../common/vietnameseText';
import { wholeSeconds } from '../../db/datetime';
import { UnitTree } from '../units/unitTree';
import { unitWithCode } from '../units/unit.service';

export type Role = 'admin' | 'editor';

export interface ApiKey {
  id: number;
  role: Role;
  /** The id of the unit an editor works for (its subtree and the archive it keeps); null for an admin without one. */
  unitId: string | null;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Why a presented key was not accepted: unknown covers both "no such key" and "wrong secret" on purpose. */
export type KeyProblem = 'malformed' | 'unknown' | 'revoked';

/** `{ key: null, problem: null }` means no key was presented at all (an anonymous caller). */
export interface Authentication {
  key: ApiKey | null;
  problem: KeyProblem | null;
}

/** A bad role, unit, label or id was given to create or revoke; the message names the field. */
export class KeyInputError extends Error {}

export interface NewKeyInput {
  role: Role;
  /** The code of a unit in force today. */
  unitCode?: string | null;
  label: string;
}

const ROLES: readonly Role[] = ['admin', 'editor'];
const MAX_LABEL_LENGTH = 200;
const MAX_KEY_ID = 4294967295; // INT UNSIGNED
// A busy key would otherwise write its row on every request; a minute is precise enough to tell live keys from dead ones.
const LAST_USED_RESOLUTION_MS = 60_000;

const BEARER = /^Bearer +(.*)$/i;
// "lt_" + 16 hex digits of public id + "_" + 43 base64url characters (32 random bytes).
const KEY_FORMAT = /^lt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

const COLUMNS = 'id, role, unit_id, label, created_at, last_used_at, revoked_at';

interface KeyRow {
  id: number;
  role: Role;
  unit_id: string | null;
  label: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

function toApiKey(row: KeyRow): ApiKey {
  return {
    id: Number(row.id),
    role: row.role,
    unitId: row.unit_id,
    label: row.label,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** The secret has 256 random bits, so one SHA-256 is as strong as any slow password hash here. */
function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'ascii').digest();
}

export class ApiKeyService {
  constructor(private readonly db: DataSource) {}

  /** Makes a key; the returned `key` string is the only time the secret exists outside the caller's hands. */
  async create(input: NewKeyInput, now: Date = new Date()): Promise<{ key: string; record: ApiKey }> {
    const { role, unitId, label } = await this.validate(input, now);
    const publicId = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const result: { insertId: number } = await this.db.query(
      'INSERT INTO api_keys (public_id, secret_hash, role, unit_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [publicId, hashSecret(secret), role, unitId, label, wholeSeconds(now)],
    );
    const record = await this.find(Number(result.insertId));
    if (!record) throw new Error(`api key ${result.insertId} vanished right after it was inserted`);
    return { key: `lt_${publicId}_${secret}`, record };
  }

  async list(): Promise<ApiKey[]> {
    const rows: KeyRow[] = await this.db.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY id`);
    return rows.map(toApiKey);
  }

  /** Null when there is no such key. A key revoked before keeps its first revoked_at. */
  async revoke(id: number, now: Date = new Date()): Promise<ApiKey | null> {
    if (!Number.isSafeInteger(id) || id < 1 || id > MAX_KEY_ID) throw new KeyInputError(`id must be a key number from 1 to ${MAX_KEY_ID}, got ${id}`);
    await this.db.query('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [wholeSeconds(now), id]);
    return this.find(id);
  }

  /** Checks an Authorization header. Malformed headers are refused before any SQL. */
  async authenticate(authorizationHeader: string | undefined, now: Date = new Date()): Promise<Authentication> {
    if (authorizationHeader === undefined || authorizationHeader === '') return { key: null, problem: null };
    const key = BEARER.exec(authorizationHeader)?.[1];
    const parts = key === undefined ? null : KEY_FORMAT.exec(key);
    if (!parts) return { key: null, problem: 'malformed' };
    const [, publicId, secret] = parts;

    const rows: (KeyRow & { secret_hash: Buffer })[] = await this.db.query(
      `SELECT ${COLUMNS}, secret_hash FROM api_keys WHERE public_id = ?`,
      [publicId],
    );
    const row = rows[0];
    // public_id is not secret, so answering early when it is unknown leaks nothing; the secret is compared in constant time.
    if (!row || !timingSafeEqual(hashSecret(secret), row.secret_hash)) return { key: null, problem: 'unknown' };
    if (row.revoked_at !== null) return { key: null, problem: 'revoked' };

    const apiKey = toApiKey(row);
    const usedAt = wholeSeconds(now);
    const staleBefore = new Date(usedAt.getTime() - LAST_USED_RESOLUTION_MS);
    if (apiKey.lastUsedAt === null || apiKey.lastUsedAt.getTime() < staleBefore.getTime()) {
      // The same condition in SQL: of concurrent requests with one key, only one writes.
      const result: { affectedRows: number } = await this.db.query(
        'UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
        [usedAt, apiKey.id, staleBefore],
      );
      if (result.affectedRows > 0) apiKey.lastUsedAt = usedAt;
    }
    return { key: apiKey, problem: null };
  }

  private async find(id: number): Promise<ApiKey | null> {
    const rows: KeyRow[] = await this.db.query(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`, [id]);
    return rows.length > 0 ? toApiKey(rows[0]) : null;
  }

  private async validate(input: NewKeyInput, now: Date): Promise<{ role: Role; unitId: string | null; label: string }> {
    // Input may come straight from a command line, so the types are checked as well as the values.
    const role: unknown = input.role;
    if (typeof role !== 'string' || !ROLES.includes(role as Role)) throw new KeyInputError(`role must be admin or editor, got ${JSON.stringify(role)}`);

    const unitCode: unknown = input.unitCode ?? null;
    let unitId: string | null = null;
    if (unitCode === null) {
      if (role === 'editor') throw new KeyInputError('unit is required for an editor key (the unit whose subtree it may edit)');
    } else {
      if (typeof unitCode !== 'string' || !isUnitCode(unitCode)) throw new KeyInputError(`unit ${JSON.stringify(unitCode)} is not the code of an existing unit`);
      unitId = await this.unitInForce(unitCode, vietnamDay(now.getTime()));
    }

    const rawLabel: unknown = input.label;
    const label = typeof rawLabel === 'string' ? rawLabel.trim() : '';
    const length = Array.from(label).length; // characters, as VARCHAR(200) counts them
    if (length < 1 || length > MAX_LABEL_LENGTH) throw new KeyInputError(`label must be 1 to ${MAX_LABEL_LENGTH} characters (after trimming), got ${length}`);
    // Labels are printed one per row by `npm run keys -- list`.
    if (/\p{Cc}/u.test(label)) throw new KeyInputError('label must be one line without control characters');
    const invisible = invisibleCharacter(label);
    if (invisible) throw new KeyInputError(`label must not contain ${invisible}: it could make one key's label read as another's`);

    return { role: role as Role, unitId, label };
  }

  /** The id of the unit in force on `day` with this code; refused, naming its successors, when it has ended. */
  private async unitInForce(code: string, day: string): Promise<string> {
    const tree = new UnitTree(this.db);
    const unit = unitWithCode(await tree.withCodes([code]), null, day);
    if (!unit) throw new KeyInputError(`unit ${JSON.stringify(code)} is not the code of an existing unit`);
    if (unit.validTo !== null && unit.validTo < day) {
      const successors = await tree.successors(unit.id);
      throw new KeyInputError(`unit ${code} (${unit.fullName}) ended on ${unit.validTo}; make the key for its successor: ${successors.map((s) => `${s.code} ${s.fullName}`).join(', ')}`);
    }
    return unit.id;
  }
}
