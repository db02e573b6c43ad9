import { readThrough } from '../../cache/caches';
import { batchLoader, byKey } from '../../common/loaders';
import type { Services } from '../../services';
import { Unit } from './unit.entity';

/** Units are reference data, the same for every caller: always read through the shared caches. */
export function unitLoaders({ units, caches, onBatch }: Services) {
  return {
    unit: batchLoader<string, Unit | null>(onBatch, 'unit', async (codes) => byKey(codes, await readThrough(caches.units, codes, (c) => units.byCodes(c)), null)),
    unitChildren: batchLoader<string, Unit[]>(onBatch, 'unit_children', async (codes) => byKey(codes, await readThrough(caches.unitChildren, codes, (c) => units.children(c)), [])),
  };
}
