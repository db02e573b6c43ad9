import { Column, Entity, PrimaryColumn } from 'typeorm';

export type UnitLevel = 'PROVINCE' | 'DISTRICT' | 'COMMUNE';

/**
 * A province, district or commune of one of the maps: one table for every level and both maps (see
 * the migrations InitialSchema and BothMaps). The GraphQL types Province, District and Commune are
 * views of this row, chosen by `level`.
 */
@Entity({ name: 'units' })
export class Unit {
  /** Stable and unique across maps: the code for the map in force until 2025-06-30, `code@2025-07-01` after. */
  @PrimaryColumn({ type: 'varchar', length: 20 })
  id: string;

  /** The GSO code: unique among the units in force on any one day, reused across the maps. */
  @Column({ type: 'varchar', length: 10 })
  code: string;

  @Column({ type: 'enum', enum: ['PROVINCE', 'DISTRICT', 'COMMUNE'] })
  level: UnitLevel;

  @Column({ type: 'varchar', length: 16 })
  type: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'full_name', type: 'varchar', length: 150 })
  fullName: string;

  @Column({ type: 'varchar', length: 150 })
  slug: string;

  @Column({ type: 'varchar', length: 400 })
  path: string;

  /** Null for a province. A commune's parent is its district, or its province where it has none. */
  @Column({ name: 'parent_id', type: 'varchar', length: 20, nullable: true })
  parentId: string | null;

  /** The province the unit lies in; a province's own id for a province. */
  @Column({ name: 'province_id', type: 'varchar', length: 20 })
  provinceId: string;

  /** First day in force, 'YYYY-MM-DD'; null where the source does not record it. */
  @Column({ name: 'valid_from', type: 'date', nullable: true })
  validFrom: string | null;

  /** Last day in force, 'YYYY-MM-DD'; null while in force. */
  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo: string | null;

  @Column({ name: 'search_name', type: 'varchar', length: 150, select: false })
  searchName: string;
}

/** Whether the unit is in force on `day` ('YYYY-MM-DD'; text compares as days do). */
export function inForceOn(unit: Pick<Unit, 'validFrom' | 'validTo'>, day: string): boolean {
  return (unit.validFrom === null || unit.validFrom <= day) && (unit.validTo === null || unit.validTo >= day);
}
