import { Directive, Field, ObjectType } from 'type-graphql';
import { CONTENT_MAX_AGE, cacheFor } from '../../cache/cacheHints';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTimeScalar } from '../../common/scalars';

@Entity({ name: 'publications' })
@Directive(cacheFor(CONTENT_MAX_AGE))
@ObjectType({ description: "One unit's portal showing one article." })
export class Publication {
  @PrimaryColumn({ name: 'article_id', type: 'int', unsigned: true })
  articleId: number;

  @PrimaryColumn({ name: 'unit_id', type: 'varchar', length: 20 })
  unitId: string;

  @Column({ name: 'is_origin', type: 'boolean' })
  @Field(() => Boolean, { description: "True for the article's origin unit, false for a syndicated copy." })
  isOrigin: boolean;

  @Column({ name: 'published_at', type: 'datetime' })
  @Field(() => DateTimeScalar, { description: "Since when this unit's portal shows the article." })
  publishedAt: Date;

  /** The article's own published_at, repeated here as the feed order. */
  @Column({ name: 'sort_at', type: 'datetime' })
  sortAt: Date;
}
