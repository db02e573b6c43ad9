import { readThrough } from '../../cache/caches';
import { batchLoader, byKey } from '../../common/loaders';
import type { Services } from '../../services';
import { Unit } from './unit.entity';
import { SuccessionRow } from './unit.service';

/** Units are reference data, the same for every caller: always read through the shared caches. */
export function unitLoaders({ units, unitTree, caches, onBatch }: Services) {
  const successions = (side: 'from' | 'to') =>
    batchLoader<string, SuccessionRow[]>(onBatch, side === 'from' ? 'successors' : 'predecessors', async (ids) => {
      const keys = ids.map((id) => `${side}|${id}`);
      const found = await readThrough(caches.successions, keys, async (missing) => {
        const read = await units.successions(missing.map((k) => k.slice(side.length + 1)), side);
        return new Map(missing.map((k) => [k, read.get(k.slice(side.length + 1)) ?? []]));
      });
      return keys.map((k) => found.get(k) ?? []);
    });
  return {
    /** By id. */
    unit: batchLoader<string, Unit | null>(onBatch, 'unit', async (ids) => byKey(ids, await readThrough(caches.units, ids, (i) => units.byIds(i)), null)),
    /** Every unit that has had the code, oldest first (unit.service.ts's unitWithCode picks one). */
    unitsByCode: batchLoader<string, Unit[]>(onBatch, 'units_by_code', async (codes) => byKey(codes, await readThrough(caches.unitsByCode, codes, (c) => units.byCodes(c)), [])),
    unitChildren: batchLoader<string, Unit[]>(onBatch, 'unit_children', async (ids) => byKey(ids, await readThrough(caches.unitChildren, ids, (i) => units.children(i)), [])),
    unitCommunes: batchLoader<string, Unit[]>(onBatch, 'unit_communes', async (ids) => byKey(ids, await readThrough(caches.unitCommunes, ids, (i) => units.communesBelow(i)), [])),
    successors: successions('from'),
    predecessors: successions('to'),
    /** The unit and every unit that became (part of) it: whose feeds its feed gathers with history. */
    unitHistory: batchLoader<string, string[]>(onBatch, 'unit_history', async (ids) => byKey(ids, await readThrough(caches.unitHistories, ids, (i) => unitTree.histories(i)), [])),
    /** The unit's id, then the ids of every unit above it, nearest first. */
    unitLineage: batchLoader<string, string[]>(onBatch, 'unit_lineage', async (ids) => byKey(ids, await readThrough(caches.unitLineages, ids, (i) => unitTree.lineages(i)), [])),
  };
}
export type UnitLoaders = ReturnType<typeof unitLoaders>;
