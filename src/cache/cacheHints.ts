import { GraphQLBoolean, GraphQLDirective, GraphQLEnumType, GraphQLInt, DirectiveLocation } from 'graphql';

/**
 * How long clients, CDNs and the response cache may keep each kind of data, in seconds. Apollo's
 * cache control computes a response's max-age as the smallest of its fields', so one visit counter
 * in a query makes the whole response uncacheable.
 */
/** Units change only with a new administrative map. */
export const UNIT_MAX_AGE = 3600;
/** Sources are renamed rarely. */
export const SOURCE_MAX_AGE = 300;
/** Feeds and articles: browsers, whom no change reaches, may show an edit this much late. */
export const CONTENT_MAX_AGE = 30;
/**
 * What the gateway keeps of content whose changes reach it (kept answers, the content data caches,
 * and the edges it purges) is dropped by tag as each change commits (contentTags.ts), so it may be
 * kept far longer than browsers keep it. This bounds only what no change announces: SQL typed into
 * MySQL around the gateway, or an edge's purge that never got through.
 */
export const TAGGED_CONTENT_MAX_AGE = 3600;

/** For type-graphql's @Directive: `@Directive(cacheFor(UNIT_MAX_AGE))`. */
export function cacheFor(maxAge: number): string {
  return `@cacheControl(maxAge: ${maxAge})`;
}

/** Counters change with every visit: never cached. */
export const NEVER_CACHED = '@cacheControl(maxAge: 0)';

const CacheControlScope = new GraphQLEnumType({
  name: 'CacheControlScope',
  description: 'Who may share a cached response.',
  values: {
    PUBLIC: { description: 'Every caller gets the same response: CDNs and the response cache may share it.' },
    PRIVATE: { description: 'The response is for this caller only.' },
  },
});

/** Apollo's @cacheControl, declared for the schema built from code (Apollo reads it from the types). */
export const cacheControlDirective = new GraphQLDirective({
  name: 'cacheControl',
  description: "How long a field's or type's data may be cached, in seconds; a response keeps the smallest maxAge of its fields (Cache-Control header).",
  locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT, DirectiveLocation.INTERFACE, DirectiveLocation.UNION],
  args: { maxAge: { type: GraphQLInt }, scope: { type: CacheControlScope }, inheritMaxAge: { type: GraphQLBoolean } },
});
