import { EntityManager } from 'typeorm';
import { foldVietnamese } from '../src/common/vietnameseText';
import { rebuildAllDerivedFeeds } from '../src/modules/articles/derivedFeeds';
import { rebuildUnitClosure, rebuildUnitHistory } from '../src/modules/units/unitTree';
import { OLD_MAP_UNTIL, readVnAdminMaps, VnAdminMaps } from './vnAdmin';
import { upsertRows } from '../src/common/sql';

/**
 * The last day a unit of the 2023 snapshot that v1 databases hold, but the catalogue of 2025-06-30
 * no longer has, can have been in force. Its true last day (a merger between 2023 and 2025) is not
 * in our sources.
 */
export const ENDED_BEFORE_CATALOGUE = '2025-06-29';

async function insertChunks(db: EntityManager, sql: string, rows: unknown[][], size = 2000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await db.query(sql, [rows.slice(i, i + size)]);
}

export interface SeededMaps {
  units: number;
  successions: number;
}

/**
 * Loads both maps and the successions between them (seeds/vnAdmin.ts) over what the database holds,
 * in the caller's transaction. On an empty database that is all there is. On a v1 database (the 2023
 * snapshot of the old map, keyed by code, which the migration BothMaps made the old map's ids), the
 * catalogue's units are brought up to date in place, so every article, publication, visit and key
 * still names its unit; a unit the catalogue does not have stays, ended (ENDED_BEFORE_CATALOGUE),
 * with no successor. The unit tree and histories are then rebuilt, and with them every derived feed row.
 */
export async function seedUnits(db: EntityManager, maps: VnAdminMaps = readVnAdminMaps()): Promise<SeededMaps> {
  const [{ n }] = await db.query('SELECT COUNT(*) AS n FROM units');
  const upgrading = Number(n) > 0;
  if (upgrading) await db.query('UPDATE units SET valid_to = ? WHERE valid_to IS NULL', [ENDED_BEFORE_CATALOGUE]);
  const columns = {
    id: 'VARCHAR(20)', code: 'VARCHAR(10)', level: 'VARCHAR(10)', type: 'VARCHAR(16)', name: 'VARCHAR(100)', full_name: 'VARCHAR(150)', slug: 'VARCHAR(150)',
    path: 'VARCHAR(400)', parent_id: 'VARCHAR(20)', province_id: 'VARCHAR(20)', valid_from: 'DATE', valid_to: 'DATE', search_name: 'VARCHAR(150)',
  };
  const update = Object.keys(columns).slice(1).map((c) => `${c} = x.${c}`).join(', ');
  // Parents first (the map's order), so that every parent_id is there when its child arrives.
  const rows = maps.units.map((u) => [u.id, u.code, u.level, u.type, u.name, u.fullName, u.slug, u.path, u.parentId, u.provinceId, u.validFrom, u.validTo, foldVietnamese(u.fullName)]);
  for (let i = 0; i < rows.length; i += 2000) await db.query(...upsertRows('units', columns, update, rows.slice(i, i + 2000)));
  await db.query('DELETE FROM unit_successions');
  await insertChunks(
    db,
    'INSERT INTO unit_successions (from_id, to_id, whole, date, resolution) VALUES ?',
    maps.successions.map((s) => [s.fromId, s.toId, s.whole, s.date, s.resolution]),
  );
  await rebuildUnitClosure(db);
  await rebuildUnitHistory(db);
  // A v1 unit may have moved between districts since 2023, and the successions are new: every
  // derived feed is recomputed.
  if (upgrading) await rebuildAllDerivedFeeds(db);
  return { units: maps.units.length, successions: maps.successions.length };
}

/** Whether the database holds both maps already (a v1 database, or an empty one, does not). */
export async function unitMapsLoaded(db: Pick<EntityManager, 'query'>): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM units WHERE valid_to = ? LIMIT 1', [OLD_MAP_UNTIL]);
  const successions = await db.query('SELECT 1 FROM unit_successions LIMIT 1');
  return rows.length > 0 && successions.length > 0;
}
