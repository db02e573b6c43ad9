import { badUserInput } from '../../common/errors';
import { idArgument, isSlug, MAX_SLUG_LENGTH, unitCodeArgument } from '../../common/ids';
import { slugify } from '../../common/vietnameseText';
import { ArticleKind } from './article.entity';
import { sanitizeBody } from './articleBody';
import { CreateArticleInput, UpdateArticleInput } from './articleInput.types';

/** Field-by-field validation of article input; every error names its field (`input.title` …). */

export const LIMITS = { title: 300, summary: 1000, body: 500_000, topics: 10, topic: 100, url: 1000 };

// Markup in a plain-text field: a tag, a comment or a doctype. '<' alone (e.g. "< 5 tuổi") is text.
const MARKUP = /<[a-zA-Z!/?]/;
// Control characters other than tab and newlines, and the null byte, never belong in text.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function plainText(value: string, field: string, max: number, { required }: { required: boolean }): string {
  if (CONTROL.test(value)) throw badUserInput(`${field} must not contain control characters`, field);
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
  const clean = sanitizeBody(value.normalize('NFC'));
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

export function publishedAt(value: Date, field = 'input.publishedAt'): Date {
  if (value.getTime() > LATEST_PUBLISHED_AT.getTime()) {
    throw badUserInput(`${field} must be at most ${LATEST_PUBLISHED_AT.toISOString().slice(0, 19)}Z`, field);
  }
  return value;
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
}

export function draftFromCreateInput(input: CreateArticleInput): ArticleDraft {
  return {
    originCode: unitCodeArgument(input.originCode, 'input.originCode'),
    title: title(input.title),
    summary: summary(input.summary),
    body: body(input.body),
    kind: input.kind ?? ArticleKind.NEWS,
    topics: topics(input.topics),
    publishedAt: input.publishedAt == null ? null : publishedAt(input.publishedAt),
    sourceId: idArgument(input.sourceId, 'input.sourceId'),
    sourceUrl: sourceUrl(input.sourceUrl),
    slug: input.slug == null ? null : slug(input.slug),
  };
}

export type ArticleChanges = Partial<Omit<ArticleDraft, 'originCode' | 'slug'>>;

/** Only the fields given; explicit null clears summary, sourceId and sourceUrl. */
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
  return changes;
}
