import { Source } from './source.entity';

/**
 * A source's columns beside an article's, for lists that join `sources s`. Each alias must differ from
 * every article column: the driver keeps the last of two equal names, and `s.url AS source_url` once
 * replaced every listed article's own link (articles.source_url) with its source's home page.
 */
export const SOURCE_COLUMNS = 's.name AS source_name, s.url AS source_home_url, s.created_at AS source_created_at';

/** Maps the SOURCE_COLUMNS of a raw row to the Source `id`. */
export function sourceFromRow(id: number, row: Record<string, unknown>): Source {
  return Object.assign(new Source(), {
    id,
    name: row.source_name as string,
    url: (row.source_home_url as string | null) ?? null,
    createdAt: row.source_created_at as Date,
  });
}
