import { GraphQLSchema, specifiedDirectives } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { cacheControlDirective } from './cache/cacheHints';
import { declareCosts } from './plugins/fieldCost';
import { ArticleResolver, PublicationResolver } from './modules/articles/article.resolver';
import { ArticleWritingResolver } from './modules/articles/articleWriting.resolver';
import { AuditResolver } from './modules/audit/audit.resolver';
import { auditWrites } from './modules/audit/auditTrail';
import { authChecker } from './modules/keys/authorization';
import { SyndicationResolver } from './modules/syndication/syndication.resolver';
import { ArticleConnectionResolver, FeedQueryResolver, SourceFeedResolver, UnitFeedResolver } from './modules/articles/feed.resolver';
import { SourceResolver } from './modules/sources/source.resolver';
import { AdministrativeUnitResolver, CommuneResolver, DistrictResolver, ProvinceResolver, SuccessionResolver, UnitQueryResolver } from './modules/units/unit.resolver';
import { Commune, District, Province } from './modules/units/unit.types';
import { ArticleViewsResolver, RecordVisitResolver, UnitVisitsResolver, VisitStatsResolver } from './modules/visits/visits.resolver';

let schema: GraphQLSchema | undefined;

/** The type-graphql schema, built once per process (building it twice registers every type twice). */
export function graphqlSchema(): GraphQLSchema {
  // declareCosts reads each field's @Cost (plugins/fieldCost.ts) while the extensions are there.
  schema ??= declareCosts(auditWrites(buildSchemaSync({
    resolvers: [
      UnitQueryResolver,
      AdministrativeUnitResolver,
      ProvinceResolver,
      DistrictResolver,
      CommuneResolver,
      SuccessionResolver,
      UnitFeedResolver,
      FeedQueryResolver,
      ArticleConnectionResolver,
      SourceFeedResolver,
      ArticleResolver,
      PublicationResolver,
      SourceResolver,
      ArticleWritingResolver,
      SyndicationResolver,
      AuditResolver,
      UnitVisitsResolver,
      VisitStatsResolver,
      ArticleViewsResolver,
      RecordVisitResolver,
    ],
    // Implementations are reached only through the interface in some queries; list them so they exist.
    orphanedTypes: [Province, District, Commune],
    // The types carry @cacheControl hints (cache/cacheHints.ts); Apollo reads them from the schema.
    directives: [...specifiedDirectives, cacheControlDirective],
    // @Authorized fields: the checker throws UNAUTHENTICATED or FORBIDDEN itself (keys/authorization.ts).
    authChecker,
    validate: false,
  })));
  return schema;
}
