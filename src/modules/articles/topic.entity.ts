import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A subject articles are filed under ('Cải cách hành chính'); matched by slug. */
@Entity({ name: 'topics' })
export class Topic {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 100 })
  slug: string;
}
