import { badUserInput } from '../../../common/errors';
import { foldVietnamese } from '../../../common/vietnameseText';

/**
 * Vietnamese full-text search on stock MySQL 8 and MariaDB, without server settings.
 *
 * InnoDB FULLTEXT drops tokens shorter than innodb_ft_min_token_size (3) and stopwords ('la',
 * 'de', 'a' …), and most Vietnamese syllables are one to four letters: "xã", "số", "là", "ở".
 * So the index does not see the text itself but one token per distinct syllable, folded
 * (no diacritics, lower case, đ→d) and written `v_<syllable>`: "xã" → `v_xa`, "ở" → `v_o`. Every
 * token is then ≥ 3 characters and never a stopword, and `_` is a word character to InnoDB, so a
 * token is matched whole. A query of n syllables becomes n required tokens (`+v_cai +v_cach …`):
 * documents that hold every syllable somewhere in title, summary or body.
 *
 * Trade-offs: the index knows presence, not position or diacritics. Phrases and exact diacritics
 * are checked on the folded and original text of the candidates instead (ranking, in SQL), which
 * costs a read of those rows; and the document table (article_search) roughly doubles the text
 * stored per article. In return any syllable, two-letter ones included, is an index lookup.
 */

export const MAX_SEARCH_LENGTH = 200;
/** More distinct syllables than this adds nothing but work; the rest of a long query is dropped. */
const MAX_SYLLABLES = 32;

export interface SearchTerms {
  /** Distinct folded syllables, each required. */
  syllables: string[];
  /** The folded query as a phrase: ' cai cach hanh chinh ' (space-padded for whole-syllable matching). */
  phrase: string;
  /** Syllables the caller typed with diacritics, lower case: articles holding them exactly rank first. */
  exact: string[];
  /** The InnoDB boolean-mode query; built only from [a-z0-9_], so no operator can get in. */
  booleanQuery: string;
}

/** Parses filter.search. Null when the text holds no searchable word (emoji, punctuation only). */
export function parseSearch(raw: string, field = 'filter.search'): SearchTerms | null {
  if (raw.trim() === '') throw badUserInput(`${field} must not be empty`, field);
  if ([...raw].length > MAX_SEARCH_LENGTH) throw badUserInput(`${field} must be at most ${MAX_SEARCH_LENGTH} characters`, field);
  const words = raw.normalize('NFC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const syllables = [...new Set(words.map(foldVietnamese).flatMap((w) => w.split(' ')).filter(Boolean))].slice(0, MAX_SYLLABLES);
  if (syllables.length === 0) return null;
  const exact = [...new Set(words.filter((w) => foldVietnamese(w) !== w))].slice(0, MAX_SYLLABLES);
  return {
    syllables,
    phrase: ` ${foldVietnamese(raw)} `,
    exact,
    booleanQuery: syllables.map((s) => `+v_${s}`).join(' '),
  };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of sanitized HTML: tags become spaces, entities their characters. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
      return ENTITIES[e.toLowerCase()] ?? m;
    });
}

export interface SearchDocument {
  tokens: string;
  titleFolded: string;
  summaryFolded: string;
  bodyFolded: string;
}

const padded = (text: string) => (text ? ` ${text} ` : ' ');

/** What article_search keeps for one article. */
export function searchDocument(article: { title: string; summary: string | null; body: string }, fold = foldVietnamese): SearchDocument {
  const title = fold(article.title);
  const summary = fold(article.summary ?? '');
  const body = fold(htmlText(article.body));
  const distinct = new Set(`${title} ${summary} ${body}`.split(' ').filter(Boolean));
  return {
    tokens: [...distinct].map((s) => `v_${s}`).join(' '),
    titleFolded: padded(title),
    summaryFolded: padded(summary),
    bodyFolded: padded(body),
  };
}
