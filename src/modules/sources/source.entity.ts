import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { SOURCE_MAX_AGE, cacheFor } from '../../cache/cacheHints';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'sources' })
@Directive('@key(fields: "id")')
@Directive(cacheFor(SOURCE_MAX_AGE))
@ObjectType({ description: "The publication an article was taken from, e.g. 'Báo Ninh Bình'." })
export class Source {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  @Field(() => ID, { description: 'Stable numeric id, as a string.' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  @Field(() => String, { description: "The publication's name as readers know it." })
  name: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  @Field(() => String, { nullable: true, description: "The publication's home page." })
  url: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
