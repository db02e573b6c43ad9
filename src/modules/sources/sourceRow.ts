import { Source } from './source.entity';

/** A source's columns beside an article's, for lists that join `sources s`. */
export const SOURCE_COLUMNS = 's.name AS source_name, s.url AS source_url, s.created_at AS source_created_at';

export function sourceFromRow(id: number, row: Record<string, unknown>): Source {
  return Object.assign(new Source(), {
    id,
    name: row.source_name as string,
    url: (row.source_url as string | null) ?? null,
    createdAt: row.source_created_at as Date,
  });
}
