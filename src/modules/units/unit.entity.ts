import { Column, Entity, PrimaryColumn } from 'typeorm';

export type UnitLevel = 'PROVINCE' | 'DISTRICT' | 'COMMUNE';

/**
 * A province, district or commune: one table for every level (see the initial migration). The
 * GraphQL types Province, District and Commune are views of this row, chosen by `level`.
 */
@Entity({ name: 'units' })
export class Unit {
  @PrimaryColumn({ type: 'varchar', length: 10 })
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
  @Column({ name: 'parent_code', type: 'varchar', length: 10, nullable: true })
  parentCode: string | null;

  /** The province the unit lies in; a province's own code for a province. */
  @Column({ name: 'province_code', type: 'varchar', length: 10 })
  provinceCode: string;

  @Column({ name: 'search_name', type: 'varchar', length: 150, select: false })
  searchName: string;
}
