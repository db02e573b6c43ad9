import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import Fastify, { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { print } from 'graphql';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Gateway, GatewayRefusedInput, GatewayUnavailable, graphqlEndpoint } from './gateway';
import {
  ArticlePageDocument,
  RecordVisitDocument,
  UnitArchiveDocument,
  UnitCountersDocument,
  UnitHomeDocument,
  UnitSearchDocument,
  type ArticleLinkFragment,
  type ArticleTeaserFragment,
  type DocumentLinkFragment,
  type PortalSidebarFragment,
  type PortalUnitFragment,
  type UnitCountersQuery,
} from './generated/operations';
import { formatCount, formatDate, formatDay, formatShortDay } from './vietnameseFormat';

/**
 * The reference commune portal: server-rendered pages of one unit's portal, in Vietnamese, each from
 * one request to the gateway for its content, which an edge in front of the gateway may keep
 * (gateway.ts), and on pages with "Thống kê truy cập" one more for the counters, never kept. Visits
 * are counted by the reader's browser (static/visit.js) so that the server's HTML is the same for
 * everyone.
 *
 *   /:code                    home: newest articles, "Văn bản mới", "Thống kê truy cập"
 *   /:code/bai-viet/:slug     an article with "Nguồn", "Bài liên quan", "Xem thêm"
 *   /:code/tin-tuc?sau=       the whole feed, a page at a time
 *   /:code/tim-kiem?q=&sau=   search in the feed
 */

export interface PortalOptions {
  /** The gateway as this server reaches it (LIENTHONG_URL); `/graphql` may be left out. */
  gatewayUrl: string;
  /** The gateway as readers' browsers reach it, for recordVisit (LIENTHONG_PUBLIC_URL); default gatewayUrl. */
  publicGatewayUrl?: string;
  /** Fastify's logger options; false (the default) for silence. */
  logger?: FastifyServerOptions['logger'];
  /** What "today" is in the header; the system clock by default. */
  now?: () => Date;
}

/** views/ and static/ stay in the source folder: beside this file when run from source, found from dist/examples/portal when compiled. */
const PORTAL_DIR = [__dirname, join(__dirname, '..', '..', '..', 'examples', 'portal')].find((dir) => existsSync(join(dir, 'views')));

/** "Xem thêm" shows this many of the unit's newest articles, the one being read left out. */
const MORE_COUNT = 5;

/** GSO codes are 2 (province), 3 (district) or 5 (commune) digits; anything else is not asked of the gateway. */
const UNIT_CODE = /^\d{2,5}$/;
/** Slugs are lower-case ASCII words joined by hyphens (and a -2, -3 … when taken). */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export async function createPortal(options: PortalOptions): Promise<FastifyInstance> {
  if (!PORTAL_DIR) throw new Error('the portal cannot find its views/ folder (examples/portal/views)');
  const gateway = new Gateway(graphqlEndpoint(options.gatewayUrl));
  const publicEndpoint = graphqlEndpoint(options.publicGatewayUrl || options.gatewayUrl, options.publicGatewayUrl ? 'LIENTHONG_PUBLIC_URL' : 'LIENTHONG_URL');
  const now = options.now ?? (() => new Date());

  const app = Fastify({ logger: options.logger ?? false });
  await app.register(fastifyView, {
    // Eta escapes every <%= %>. The only content inserted raw (<%~ %>) is the article body
    // (views/article.eta); the other <%~ %> insert the portal's own templates, already rendered.
    engine: { eta: new Eta({ autoEscape: true }) },
    root: join(PORTAL_DIR, 'views'),
  });

  // Every page forbids what it does not need, in case an article body carried something the
  // gateway's sanitizer let through: scripts and styles only from here, requests only to the
  // gateway; images from anywhere, as article photos stand at their sources.
  const contentSecurityPolicy = [
    "default-src 'self'",
    'img-src http: https: data:',
    `connect-src ${new URL(publicEndpoint).origin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');

  serveStaticFiles(app, PORTAL_DIR);

  /**
   * Renders a page of a unit's portal with what every page has: the unit's header, today, the notice
   * of an ended unit, and the visit script. Every page of a unit in force counts a visit to its portal
   * (an article page a view of `articleId` too); the gateway refuses visits to units that ended.
   */
  const renderPage = (reply: FastifyReply, view: string, cacheControl: string | null, unit: PortalUnitFragment, page: Record<string, unknown>, articleId: string | null = null) => {
    reply.header('cache-control', publicOrNoStore(cacheControl)).header('content-security-policy', contentSecurityPolicy);
    const visit = unit.validTo === null ? { endpoint: publicEndpoint, unitCode: unit.code, articleId } : null;
    return reply.view(view, { today: formatDate(now()), unit: unitView(unit), visit, ...page });
  };

  app.get<{ Params: { code: string } }>('/:code', async (request, reply) => {
    const { code } = request.params;
    if (!UNIT_CODE.test(code)) return notFound(reply);
    const [{ data, cacheControl }, counters] = await Promise.all([gateway.query(UnitHomeDocument, { code }), gateway.query(UnitCountersDocument, { code })]);
    if (!data.unit || !counters.data.unit) return notFound(reply);
    return renderPage(reply, 'home.eta', sharedCacheControl(cacheControl, counters.cacheControl), data.unit, {
      title: data.unit.fullName,
      isHome: true,
      news: data.unit.news.nodes.map((article) => teaserView(code, article)),
      sidebar: sidebarView(code, data.unit, counters.data.unit),
    });
  });

  app.get<{ Params: { code: string; slug: string } }>('/:code/bai-viet/:slug', async (request, reply) => {
    const { code, slug } = request.params;
    if (!UNIT_CODE.test(code) || !SLUG.test(slug)) return notFound(reply);
    const [{ data, cacheControl }, counters] = await Promise.all([
      gateway.query(ArticlePageDocument, { code, slug, moreCount: MORE_COUNT + 1 }),
      gateway.query(UnitCountersDocument, { code }),
    ]);
    const { unit, article } = data;
    if (!unit || !article || !counters.data.unit) return notFound(reply);
    const page = {
      title: `${article.title} - ${unit.fullName}`,
      article: {
        title: article.title,
        summary: article.summary,
        // Inserted unescaped (views/article.eta): the gateway sanitizes every body on the way in
        // (no scripts, event handlers or javascript: URLs), since one body is shown on many portals.
        body: article.body,
        date: formatDate(article.publishedAt),
        datetime: article.publishedAt,
        source: sourceView(article.source?.name ?? null, article.sourceUrl),
        document: article.document && {
          number: article.document.number,
          documentType: article.document.documentType,
          issuer: article.document.issuer,
          issuedOn: formatDay(article.document.issuedOn),
          effectiveOn: article.document.effectiveOn && formatDay(article.document.effectiveOn),
          signer: article.document.signer,
          fileUrl: article.document.fileUrl && /^https?:\/\//i.test(article.document.fileUrl) ? article.document.fileUrl : null,
        },
      },
      related: article.related.map((related) => linkView(code, related)),
      more: unit.more.nodes.filter((other) => other.id !== article.id).slice(0, MORE_COUNT).map((other) => linkView(code, other)),
      sidebar: sidebarView(code, unit, counters.data.unit),
    };
    return renderPage(reply, 'article.eta', sharedCacheControl(cacheControl, counters.cacheControl), unit, page, article.id);
  });

  app.get<{ Params: { code: string }; Querystring: { sau?: unknown } }>('/:code/tin-tuc', async (request, reply) => {
    const { code } = request.params;
    const after = optionalText(request.query.sau);
    if (!UNIT_CODE.test(code)) return notFound(reply);
    if (after === undefined) return badRequest(reply);
    const { data, cacheControl } = await gateway.query(UnitArchiveDocument, { code, after });
    if (!data.unit) return notFound(reply);
    const feed = data.unit.articles;
    return renderPage(reply, 'feed.eta', cacheControl, data.unit, {
      title: `Tin tức - ${data.unit.fullName}`,
      heading: 'Tin tức',
      search: null,
      byNumber: [],
      total: formatCount(feed.totalCount),
      articles: feed.nodes.map((article) => teaserView(code, article)),
      firstPage: after ? `/${code}/tin-tuc` : null,
      nextPage: feed.pageInfo.hasNextPage && feed.pageInfo.endCursor ? `/${code}/tin-tuc?${new URLSearchParams({ sau: feed.pageInfo.endCursor })}` : null,
    });
  });

  app.get<{ Params: { code: string }; Querystring: { q?: unknown; sau?: unknown } }>('/:code/tim-kiem', async (request, reply) => {
    const { code } = request.params;
    const words = optionalText(request.query.q);
    const after = optionalText(request.query.sau);
    if (!UNIT_CODE.test(code)) return notFound(reply);
    if (words === undefined || after === undefined) return badRequest(reply);
    const searching = (words ?? '').trim() !== '';
    const { data, cacheControl } = await gateway.query(UnitSearchDocument, { code, words: words ?? '', searching, after });
    if (!data.unit) return notFound(reply);
    const feed = data.unit.articles;
    return renderPage(reply, 'feed.eta', cacheControl, data.unit, {
      title: `Tìm kiếm - ${data.unit.fullName}`,
      heading: 'Tìm kiếm',
      search: { action: `/${code}/tim-kiem`, words: words ?? '' },
      byNumber: data.unit.byNumber?.nodes.map((document) => documentView(code, document)) ?? [],
      total: feed ? formatCount(feed.totalCount) : null,
      articles: feed ? feed.nodes.map((article) => teaserView(code, article)) : [],
      firstPage: after && words ? `/${code}/tim-kiem?${new URLSearchParams({ q: words })}` : null,
      nextPage: feed?.pageInfo.hasNextPage && feed.pageInfo.endCursor ? `/${code}/tim-kiem?${new URLSearchParams({ q: words!, sau: feed.pageInfo.endCursor })}` : null,
    });
  });

  const errorPage = (reply: FastifyReply, status: number, heading: string, message: string) =>
    reply.code(status).header('cache-control', 'no-store').header('content-security-policy', contentSecurityPolicy).view('error.eta', { title: heading, heading, message, today: formatDate(now()), unit: null, visit: null });
  const notFound = (reply: FastifyReply) => errorPage(reply, 404, 'Không tìm thấy trang', 'Không tìm thấy đơn vị hoặc bài viết ở địa chỉ này. Có thể địa chỉ đã gõ sai, hoặc bài viết đã được gỡ.');
  const badRequest = (reply: FastifyReply) => errorPage(reply, 400, 'Địa chỉ không hợp lệ', 'Đường dẫn hoặc từ khóa tìm kiếm không hợp lệ. Mời quay lại trang trước và thử lại.');

  app.setNotFoundHandler((_request, reply) => notFound(reply));
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof GatewayRefusedInput) return badRequest(reply);
    if (error instanceof GatewayUnavailable) {
      request.log.warn({ err: error }, 'news service unavailable');
      return errorPage(reply.header('retry-after', '10'), 503, 'Dịch vụ tin tức tạm thời gián đoạn', 'Hệ thống tin tức đang tạm thời không phản hồi. Mời bạn thử lại sau ít phút.');
    }
    // Fastify's own refusals (a malformed URL) are the reader's; anything else is ours, and only the log has the details.
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) return badRequest(reply);
    request.log.error({ err: error }, 'portal page failed');
    return errorPage(reply, 500, 'Đã xảy ra lỗi', 'Trang chưa hiển thị được do lỗi của hệ thống. Mời bạn thử lại sau.');
  });

  return app;
}

/**
 * The gateway's Cache-Control as it is when it lets anyone keep the data (`max-age=30, public`);
 * otherwise (visit counters are never cached, key holders' answers are private) nobody may keep the page.
 */
/** A page made of several answers may be kept only as they all may: the shortest, if every one is public. */
export function sharedCacheControl(...values: (string | null)[]): string | null {
  if (values.some((value) => publicOrNoStore(value) === 'no-store')) return 'no-store';
  const maxAge = (value: string | null) => Number(/max-age=(\d+)/.exec(value ?? '')?.[1] ?? 0);
  return values.reduce((shortest, value) => (maxAge(value) < maxAge(shortest) ? value : shortest));
}

export function publicOrNoStore(cacheControl: string | null): string {
  const directives = (cacheControl ?? '').split(',').map((directive) => directive.trim().toLowerCase());
  const isPublic = directives.includes('public') && !directives.some((d) => d === 'private' || d === 'no-store' || d === 'no-cache');
  return isPublic ? cacheControl! : 'no-store';
}

/** The style sheet and the visit script, read once. The script gets the RecordVisit mutation from operations/ (checked against the schema by codegen). */
function serveStaticFiles(app: FastifyInstance, portalDir: string): void {
  const file = (name: string) => readFileSync(join(portalDir, 'static', name), 'utf8');
  const files: Record<string, { type: string; text: string }> = {
    'portal.css': { type: 'text/css; charset=utf-8', text: file('portal.css') },
    'visit.js': { type: 'text/javascript; charset=utf-8', text: `var RECORD_VISIT = ${JSON.stringify(print(RecordVisitDocument))};\n${file('visit.js')}` },
  };
  for (const [name, { type, text }] of Object.entries(files)) {
    app.get(`/static/${name}`, (_request, reply) => reply.type(type).header('cache-control', 'public, max-age=300').send(text));
  }
}

/** A query-string value: absent (null), one text, or something else (undefined: a repeated parameter). */
function optionalText(value: unknown): string | null | undefined {
  if (value === undefined) return null;
  return typeof value === 'string' ? value : undefined;
}

function articlePath(code: string, slug: string): string {
  return `/${code}/bai-viet/${slug}`;
}

function unitView(unit: PortalUnitFragment) {
  return {
    code: unit.code,
    fullName: unit.fullName,
    validTo: unit.validTo,
    /** Where it sits in the map: "Huyện Kim Sơn, Tỉnh Ninh Bình". */
    place: [unit.parent?.fullName, unit.parent?.parent?.fullName].filter((name) => name).join(', '),
    endedOn: unit.validTo ? formatDay(unit.validTo) : null,
    successors: unit.successors.map((succession) => ({ href: `/${succession.unit.code}`, fullName: succession.unit.fullName, whole: succession.whole })),
  };
}

function linkView(code: string, article: ArticleLinkFragment) {
  return { href: articlePath(code, article.slug), title: article.title, date: formatDate(article.publishedAt), datetime: article.publishedAt };
}

function teaserView(code: string, article: ArticleTeaserFragment) {
  return { ...linkView(code, article), summary: article.summary, sourceName: article.source?.name ?? null };
}

/** "512/QĐ-UBND · Quyết định · UBND tỉnh Ninh Bình · 12/07/2024" under the title, when the gateway has the particulars. */
function documentView(code: string, article: DocumentLinkFragment) {
  const d = article.document;
  return { ...linkView(code, article), particulars: d && { number: d.number, documentType: d.documentType, issuer: d.issuer, issuedOn: formatShortDay(d.issuedOn) } };
}

function sidebarView(code: string, unit: PortalSidebarFragment, counters: NonNullable<UnitCountersQuery['unit']>) {
  const { visits } = counters;
  return {
    documents: unit.documents.nodes.map((document) => documentView(code, document)),
    visits: { total: formatCount(visits.total), online: formatCount(visits.online), today: formatCount(visits.today) },
  };
}

/** "Nguồn: Báo Ninh Bình", linked to where the article stands at its source; only http(s) links. */
function sourceView(name: string | null, url: string | null) {
  const href = url && /^https?:\/\//i.test(url) ? url : null;
  if (!name && !href) return null;
  return { name: name ?? new URL(href!).hostname, href };
}
