import { badUserInput } from '../../common/errors';
import { wholeSeconds } from '../../db/datetime';
import { idArgument, isSlug, MAX_SLUG_LENGTH, unitCodeArgument } from '../../common/ids';
import { foldDocumentNumber, foldVietnamese, invisibleCharacter, slugify, withoutInvisibleCharacters } from '../../common/vietnameseText';
import { ArticleKind } from './article.entity';
import { sanitizeBody } from './articleBody';
import { CreateArticleInput, LegalDocumentInput, UpdateArticleInput } from './articleInput.types';

/** Field-by-field validation of article input; every error names its field (`input.title` …). */

export const LIMITS = { title: 300, summary: 1000, body: 500_000, topics: 10, topic: 100, url: 1000, documentNumber: 50, documentType: 100, issuer: 200, signer: 100 };

// Markup in a plain-text field: a tag, a comment or a doctype. '<' alone (e.g. "< 5 tuổi") is text.
const MARKUP = /<[a-zA-Z!/?]/;
// Control characters other than tab and newlines, and the null byte, never belong in text.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function plainText(value: string, field: string, max: number, { required }: { required: boolean }): string {
  if (CONTROL.test(value)) throw badUserInput(`${field} must not contain control characters`, field);
  // Refused rather than removed: titles, names and numbers are what readers recognise things by, and the editor should see what was pasted.
  const invisible = invisibleCharacter(value);
  if (invisible) throw badUserInput(`${field} must not contain ${invisible}: invisible characters that reorder or hide text could mislead readers`, field);
  if (MARKUP.test(value)) throw badUserInput(`${field} is plain text: markup is not allowed`, field);
  const text = value.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (required && text === '') throw badUserInput(`${field} must not be empty`, field);
  if (text.length > max) throw badUserInput(`${field} must be at most ${max} characters`, field);
  return text;
}

export function title(value: string, field = 'input.title'): string {
  return plainText(value, field, LIMITS.title, { required: true });
}

export function summary(value: string | null | undefined, field = 'input.summary'): string | null {
  if (value == null) return null;
  const text = plainText(value, field, LIMITS.summary, { required: false });
  return text === '' ? null : text;
}

export function body(value: string, field = 'input.body'): string {
  if (value.length > LIMITS.body) throw badUserInput(`${field} must be at most ${LIMITS.body} characters`, field);
  if (value.includes('\u0000')) throw badUserInput(`${field} must not contain null bytes`, field);
  // Removed, not refused: a body pasted from a word processor or a web page often carries some unseen,
  // and an editor could not find them in 500,000 characters; removing them changes nothing a reader sees but the misleading part.
  const clean = sanitizeBody(withoutInvisibleCharacters(value.normalize('NFC')));
  if (clean.replace(/<[^>]*>/g, '').trim() === '' && !/<img /.test(clean)) throw badUserInput(`${field} has no content left after removing unsafe markup`, field);
  return clean;
}

export function topics(values: string[] | null | undefined, field = 'input.topics'): { name: string; slug: string }[] {
  const bySlug = new Map<string, string>();
  for (const value of values ?? []) {
    const name = plainText(value, field, LIMITS.topic, { required: true });
    const slug = slugify(name);
    if (slug === '') throw badUserInput(`${field}: "${name}" has no letters or digits`, field);
    if (!bySlug.has(slug)) bySlug.set(slug, name);
  }
  if (bySlug.size > LIMITS.topics) throw badUserInput(`${field} takes at most ${LIMITS.topics} topics`, field);
  return [...bySlug].map(([slug, name]) => ({ name, slug }));
}

/**
 * An http(s) link as it is stored: serialized, so its length is measured after percent-encoding
 * ('tức' typed is 3 characters, stored 11), against the column's `max` characters.
 */
export function sourceUrl(value: string | null | undefined, field = 'input.sourceUrl', max = LIMITS.url): string | null {
  if (value == null || value.trim() === '') return null;
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badUserInput(`${field} must be an http(s) URL`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badUserInput(`${field} must be an http(s) URL`, field);
  const stored = url.toString();
  if (stored.length > max) throw badUserInput(`${field} must be at most ${max} characters once percent-encoded`, field);
  return stored;
}

/**
 * The latest publishedAt: key holders see scheduled articles up to this instant (context.ts), so a
 * later one would be written and then be invisible to everyone, its slug taken. MySQL's DATETIME
 * ends a day later; the DateTime scalar keeps everything after 1970.
 */
export const LATEST_PUBLISHED_AT = new Date('9999-12-31T00:00:00Z');

/** Stored to the second (db/datetime.ts): 09:30:00.600 is 09:30:00, as feeds and cursors will show it. */
export function publishedAt(value: Date, field = 'input.publishedAt'): Date {
  if (value.getTime() > LATEST_PUBLISHED_AT.getTime()) {
    throw badUserInput(`${field} must be at most ${LATEST_PUBLISHED_AT.toISOString().slice(0, 19)}Z`, field);
  }
  return wholeSeconds(value);
}

export function slug(value: string, field = 'input.slug'): string {
  if (!isSlug(value)) {
    throw badUserInput(`${field} must be lower-case ASCII letters and digits joined by single hyphens, at most ${MAX_SLUG_LENGTH} characters`, field);
  }
  return value;
}

/** A slug from a Vietnamese title, cut at a word boundary so a suffix (-2, -3 …) still fits. */
export function slugFromTitle(text: string): string {
  const full = slugify(text) || 'bai-viet';
  if (full.length <= 180) return full;
  const cut = full.slice(0, 181);
  return cut.slice(0, Math.max(cut.lastIndexOf('-'), 1)).replace(/-+$/, '');
}

/**
 * A number as portals write them: Latin letters (with Vietnamese diacritics) and digits, in parts
 * joined by / or - ('123/QĐ-UBND', '1674/NQ-UBTVQH15', '05/2024/TT-BNV'), with a digit somewhere.
 */
const DOCUMENT_NUMBER = /^[\p{Script=Latin}\p{M}0-9]+(?:[/-][\p{Script=Latin}\p{M}0-9]+)*$/u;

/** A legal document's particulars, validated: what legal_documents stores. */
export interface DocumentDraft {
  number: string;
  numberKey: string;
  documentType: string;
  issuer: string;
  issuerKey: string;
  issuedOn: string;
  effectiveOn: string | null;
  signer: string | null;
  fileUrl: string | null;
}

export function legalDocument(input: LegalDocumentInput, field = 'input.document'): DocumentDraft {
  const number = plainText(input.number, `${field}.number`, LIMITS.documentNumber, { required: true }).replace(/\s+/g, '');
  if (!DOCUMENT_NUMBER.test(number) || !/[0-9]/.test(number)) {
    throw badUserInput(`${field}.number must be letters and digits joined by / or -, with a digit, e.g. 123/QĐ-UBND`, `${field}.number`);
  }
  const issuer = plainText(input.issuer, `${field}.issuer`, LIMITS.issuer, { required: true });
  if (foldVietnamese(issuer) === '') throw badUserInput(`${field}.issuer must have letters or digits`, `${field}.issuer`);
  const signer = input.signer == null ? '' : plainText(input.signer, `${field}.signer`, LIMITS.signer, { required: false });
  return {
    number,
    numberKey: foldDocumentNumber(number),
    documentType: plainText(input.documentType, `${field}.documentType`, LIMITS.documentType, { required: true }),
    issuer,
    issuerKey: foldVietnamese(issuer),
    // The Date scalar has already refused days that do not exist.
    issuedOn: input.issuedOn,
    effectiveOn: input.effectiveOn ?? null,
    signer: signer === '' ? null : signer,
    fileUrl: sourceUrl(input.fileUrl, `${field}.fileUrl`),
  };
}

export interface ArticleDraft {
  originCode: string;
  title: string;
  summary: string | null;
  body: string;
  kind: ArticleKind;
  topics: { name: string; slug: string }[];
  publishedAt: Date | null;
  sourceId: number | null;
  sourceUrl: string | null;
  slug: string | null;
  /** Present exactly when kind is LEGAL_DOCUMENT. */
  document: DocumentDraft | null;
}

export function draftFromCreateInput(input: CreateArticleInput): ArticleDraft {
  const kind = input.kind ?? ArticleKind.NEWS;
  if (kind === ArticleKind.LEGAL_DOCUMENT && input.document == null) throw badUserInput('input.document is required with kind LEGAL_DOCUMENT', 'input.document');
  if (kind !== ArticleKind.LEGAL_DOCUMENT && input.document != null) throw badUserInput(`input.document is only for kind LEGAL_DOCUMENT, not ${kind}`, 'input.document');
  return {
    originCode: unitCodeArgument(input.originCode, 'input.originCode'),
    title: title(input.title),
    summary: summary(input.summary),
    body: body(input.body),
    kind,
    topics: topics(input.topics),
    publishedAt: input.publishedAt == null ? null : publishedAt(input.publishedAt),
    sourceId: idArgument(input.sourceId, 'input.sourceId'),
    sourceUrl: sourceUrl(input.sourceUrl),
    slug: input.slug == null ? null : slug(input.slug),
    document: input.document == null ? null : legalDocument(input.document),
  };
}

export type ArticleChanges = Partial<Omit<ArticleDraft, 'originCode' | 'slug'>>;

/**
 * Only the fields given; explicit null clears summary, sourceId and sourceUrl. Whether `document`
 * fits the kind depends on the article's kind too: the writer checks it (ArticleWriter.update).
 */
export function changesFromUpdateInput(input: UpdateArticleInput): ArticleChanges {
  const changes: ArticleChanges = {};
  const given = (k: keyof UpdateArticleInput) => input[k] !== undefined;
  const notNull = <T>(v: T | null | undefined, field: string): T => {
    if (v === null || v === undefined) throw badUserInput(`${field} cannot be cleared`, field);
    return v;
  };
  if (given('title')) changes.title = title(notNull(input.title, 'input.title'));
  if (given('summary')) changes.summary = summary(input.summary);
  if (given('body')) changes.body = body(notNull(input.body, 'input.body'));
  if (given('kind')) changes.kind = notNull(input.kind, 'input.kind');
  if (given('topics')) changes.topics = topics(input.topics ?? []);
  if (given('publishedAt')) changes.publishedAt = publishedAt(notNull(input.publishedAt, 'input.publishedAt'));
  if (given('sourceId')) changes.sourceId = idArgument(input.sourceId, 'input.sourceId');
  if (given('sourceUrl')) changes.sourceUrl = sourceUrl(input.sourceUrl);
  if (given('document')) changes.document = legalDocument(notNull(input.document, 'input.document'));
  return changes;
}
