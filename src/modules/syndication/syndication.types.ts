import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';

@InputType({ description: 'Article-unit pairs: every article with every target (and, if asked, every unit below each target).' })
export class SyndicationInput {
  @Field(() => [ID], { description: 'The articles.' })
  articleIds: string[];

  @Field(() => [ID], { description: 'Unit codes of any level.' })
  targetCodes: string[];

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Also every unit below each target.' })
  includeDescendants?: boolean | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Count what would change, change nothing.' })
  dryRun?: boolean | null;
}

@ObjectType({ description: 'Pairs that were not applied, and why: an article, a target, or one pair.' })
export class SyndicationRejection {
  @Field(() => ID, { nullable: true, description: 'The article concerned; null when the reason is the target alone.' })
  articleId: string | null;

  @Field(() => ID, { nullable: true, description: 'The target concerned; null when the reason is the article alone.' })
  targetCode: string | null;

  @Field(() => String, { description: 'Why, in words.' })
  reason: string;
}

@ObjectType({ description: 'What a syndicate or withdraw call did (or, on a dry run, would do).' })
export class SyndicationResult {
  @Field(() => Int, { description: 'Article-unit pairs asked for, after expanding descendants.' })
  requested: number;

  @Field(() => Int, { description: 'Pairs that changed (created by syndicate, removed by withdraw); on a dry run, that would change.' })
  changed: number;

  @Field(() => Int, { description: 'Pairs that were already as asked.' })
  unchanged: number;

  @Field(() => Int, { description: 'Pairs not applied: requested = changed + unchanged + rejectedPairs.' })
  rejectedPairs: number;

  @Field(() => [SyndicationRejection], { description: 'Why pairs were not applied, grouped by article, by target, or per pair.' })
  rejected: SyndicationRejection[];
}
