/*
 * The tags of content: what an answer (a kept answer, a data-cache entry, a page an edge keeps)
 * read, named so that a change can name what it touches without knowing which answers exist. An
 * answer carries the tags of what it read; a change drops every answer carrying one of its tags
 * (contentChanges.ts), in every process and at the edge. This file is the one vocabulary both
 * sides use.
 *
 * Feeds are tagged by the units whose publications they read, and a change names the units its
 * article is or was shown on, so an article enters or leaves exactly the feeds that show it:
 * - a UNIT feed reads its unit's publications (with history, its predecessors' too): `shown:<unit>`
 *   for each unit it reads; a change tags `shown:<unit>` for each unit the article is shown on;
 * - a LINEAGE feed reads its unit's and every ancestor's publications (with history, its
 *   predecessors' lineages too): `shown:<unit>` for each of them;
 * - a SUBTREE feed reads its unit's subtree (with history, its predecessors' subtrees): one
 *   `subtree:<unit>` for each root; a change tags `subtree:<unit>` for each unit the article is
 *   shown on and every unit above it (a province's subtree feed holds its communes' articles);
 * - the feed of every article (`Query.articles` without a unit) is `all`, and a source's is
 *   `source-feed:<id>`: every article change tags `all` and its sources' feeds.
 * Searches and filters are feeds with conditions: they carry their feed's tags (dropped more
 * broadly than they need, never less). Successions need nothing more: a feed with history reads
 * its predecessors' units, so it carries their tags.
 *
 * An article asked for by id is `article:<id>` (one shown in a feed needs no tag of its own: a
 * change to it drops every feed that shows it), by slug also `slug:<slug>`, found or not; a source
 * shown is `source:<id>`, the list of all sources `sources`. An article's related articles share its topics, else are the newest of
 * its origin: `topic:<id>` for each of its topics, and `shown:<origin>`; a change tags its
 * article's topics. Units change only with a map step, which drops everything (EVERYTHING).
 *
 * Tags are header-safe (no space or comma) so they can be sent as they are in Surrogate-Key.
 */

export type Tag = string;

/** The tag of every answer: a change that drops it drops all (a map step, a change whose extent is unknown). */
export const EVERYTHING: Tag = '*';

export const ALL_FEED: Tag = 'all';
export const shownOn = (unitId: string): Tag => `shown:${unitId}`;
export const subtreeOf = (unitId: string): Tag => `subtree:${unitId}`;
/** Whether a tag names a unit's feed (`shown:` or `subtree:`): what `all` stands in for when there are too many. */
export const isUnitFeedTag = (tag: Tag): boolean => tag.startsWith('shown:') || tag.startsWith('subtree:');
export const sourceFeed = (sourceId: number | string): Tag => `source-feed:${sourceId}`;
export const articleTag = (articleId: number | string): Tag => `article:${articleId}`;
export const sourceTag = (sourceId: number | string): Tag => `source:${sourceId}`;
export const topicTag = (topicId: number | string): Tag => `topic:${topicId}`;
/** The list of every source (`Query.sources`): a new source drops it. */
export const SOURCE_LIST: Tag = 'sources';
/** An article asked for by slug, found or not: a new article may take the slug. */
export const slugTag = (slug: string): Tag => `slug:${slug}`;

/** Whose articles a feed reads, as contentTags needs it. */
export type FeedReads =
  | { kind: 'ALL' }
  | { kind: 'SOURCE'; sourceId: string }
  /** `units`: every unit whose own publications the feed reads (a LINEAGE feed: its units and every unit above them). */
  | { kind: 'UNIT'; units: readonly string[] }
  /** `roots`: the units whose subtrees the feed reads (the unit and, with history, its predecessors). */
  | { kind: 'SUBTREE'; roots: readonly string[] };

export function feedTags(feed: FeedReads): Tag[] {
  switch (feed.kind) {
    case 'ALL':
      return [ALL_FEED];
    case 'SOURCE':
      return [sourceFeed(feed.sourceId)];
    case 'UNIT':
      return feed.units.map(shownOn);
    case 'SUBTREE':
      return feed.roots.map(subtreeOf);
  }
}
