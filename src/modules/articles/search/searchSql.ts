import { Sql } from '../../../common/sql';
import { SearchTerms } from './searchText';

/**
 * The SQL side of search: the index condition, the per-row condition used when a feed is scanned
 * in date order, and the relevance score. `s` is article_search, `a` is articles.
 */

/** Every syllable present, through the FULLTEXT index. */
export function matchCondition(sql: Sql, terms: SearchTerms): void {
  sql.add(' AND MATCH(s.tokens) AGAINST (? IN BOOLEAN MODE)', terms.booleanQuery);
}

/** The same test on one row's folded text, as a boolean expression (see FeedService for when). */
export function rowMatch(sql: Sql, terms: SearchTerms): void {
  sql.add('(TRUE');
  for (const syllable of terms.syllables) {
    const word = ` ${syllable} `;
    sql.add(' AND (LOCATE(?, s.title_folded) > 0 OR LOCATE(?, s.summary_folded) > 0 OR LOCATE(?, s.body_folded) > 0)', word, word, word);
  }
  sql.add(')');
}

export function rowCondition(sql: Sql, terms: SearchTerms): void {
  sql.add(' AND ');
  rowMatch(sql, terms);
}

/**
 * Best match first, an integer so that cursors are exact and stable while articles are added (an
 * InnoDB relevance would move with the corpus statistics):
 *   1000 per syllable typed with diacritics found with exactly those diacritics (dương ≠ đường),
 *   then the whole query as a phrase in the title (300), summary (200) or body (100),
 *   then each syllable in the title (3), summary (2) or body (1).
 */
export function relevanceScore(sql: Sql, terms: SearchTerms): void {
  sql.add('(0');
  for (const exact of terms.exact) {
    sql.add(
      ' + 1000 * (LOCATE(?, LOWER(a.title) COLLATE utf8mb4_bin) > 0 OR LOCATE(?, LOWER(COALESCE(a.summary, \'\')) COLLATE utf8mb4_bin) > 0 OR LOCATE(?, LOWER(a.body) COLLATE utf8mb4_bin) > 0)',
      exact,
      exact,
      exact,
    );
  }
  if (terms.syllables.length > 1) {
    sql.add(' + 300 * (LOCATE(?, s.title_folded) > 0) + 200 * (LOCATE(?, s.summary_folded) > 0) + 100 * (LOCATE(?, s.body_folded) > 0)', terms.phrase, terms.phrase, terms.phrase);
  }
  for (const syllable of terms.syllables) {
    const word = ` ${syllable} `;
    sql.add(' + 3 * (LOCATE(?, s.title_folded) > 0) + 2 * (LOCATE(?, s.summary_folded) > 0) + (LOCATE(?, s.body_folded) > 0)', word, word, word);
  }
  sql.add(')');
}
