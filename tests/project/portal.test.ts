import { readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FastifyInstance } from 'fastify';
import { print } from 'graphql';
import { Browser, Page, Response } from 'playwright-core';
import { UnitArchiveDocument } from '../../examples/portal/generated/operations';
import { createPortal, publicOrNoStore, sharedCacheControl } from '../../examples/portal/portal';
import { seedDemoContent } from '../../seeds/demo';
import { startTestServer, TestServer } from '../helpers/testServer';
import { launchChromium } from '../../scripts/chromium';
import { OfflinePage, openOfflinePage } from '../helpers/offlinePage';

/**
 * The reference portal (examples/portal) in a real browser, over a real gateway on the demo data:
 * every block of the seed page against the gateway's own answer, the gateway asked by GET with
 * persisted-query hashes (an edge may keep the content, never the counters), the visits the browser
 * counts, the old map's units, and the error pages.
 */


/** Xã Phát Diệm (from 2025-07-01), whose feed keeps Thị trấn Phát Diệm's articles. */
const CODE = '14620';
/** The article of the seed page. */
const SEED_ARTICLE = 'Hội nghị trực tuyến toàn quốc triển khai nhiệm vụ cải cách hành chính những tháng cuối năm 2023';

/**
 * In front of the gateway: counts the requests that reach it this way. The portal server and the
 * readers' browsers each have one (LIENTHONG_URL and LIENTHONG_PUBLIC_URL), so the portal's own
 * requests (one per page render) are counted apart from the visits the browsers send.
 */
class CountingProxy {
  /** The requests that went through, in order. */
  sent: { method: string; url: string }[] = [];
  target = '';
  url = '';
  private readonly server: Server = createHttpServer((request, response) => {
    this.sent.push({ method: request.method!, url: request.url! });
    const upstream = httpRequest(`${this.target}${request.url}`, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The Vietnamese day of an instant the gateway writes with Vietnam's offset ("2023-12-08T09:30:00+07:00"): "Thứ sáu, 08/12/2023". */
function vietnameseDay(instant: string): string {
  expect(instant).toMatch(/^\d{4}-\d{2}-\d{2}T.*\+07:00$/);
  const [year, month, day] = instant.slice(0, 10).split('-');
  const weekday = ['Chủ nhật', 'Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy'][new Date(Date.UTC(+year, +month - 1, +day)).getUTCDay()];
  return `${weekday}, ${day}/${month}/${year}`;
}

let gateway: TestServer;
/** The gateway as the portal server reaches it (LIENTHONG_URL). */
let serverSide: CountingProxy;
/** The gateway as readers' browsers reach it (LIENTHONG_PUBLIC_URL). */
let browserSide: CountingProxy;
let portal: FastifyInstance;
let portalUrl: string;
let browser: Browser;

beforeAll(async () => {
  // The gateway must know the portal's origin (CORS_ORIGINS) and the portal the gateway's address:
  // the proxies' addresses come first, then the portal's, then the gateway behind the proxies.
  serverSide = new CountingProxy();
  browserSide = new CountingProxy();
  await Promise.all([serverSide.listen(), browserSide.listen()]);
  portal = await createPortal({ gatewayUrl: serverSide.url, publicGatewayUrl: browserSide.url });
  portalUrl = await portal.listen({ port: 0, host: '127.0.0.1' });
  gateway = await startTestServer({ config: { corsOrigins: [portalUrl] } });
  await gateway.db.dataSource.transaction((m) => seedDemoContent(m));
  serverSide.target = browserSide.target = gateway.url;
  browser = await launchChromium('the portal tests');
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
  await Promise.all([serverSide?.close(), browserSide?.close()]);
  await gateway?.close();
});

let reader: OfflinePage;
beforeEach(async () => {
  reader = await openReader();
});
afterEach(() => reader.context.close());

/** A reader's page: it may reach only the portal and the gateway (as the browser sees it). */
const openReader = (viewport = { width: 1280, height: 900 }) => openOfflinePage(browser, [portalUrl, browserSide.url], viewport);

/** The answer of the browser's recordVisit call, awaited while `action` loads a page. */
async function loadCountingVisit(page: Page, action: () => Promise<unknown>): Promise<{ response: Response; counted: boolean; visitorId: string }> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.url() === `${browserSide.url}/graphql` && (r.request().postData() ?? '').includes('recordVisit')), action()]);
  const body = (await response.json()) as { data: { recordVisit: boolean } };
  return { response, counted: body.data.recordVisit, visitorId: JSON.parse(response.request().postData()!).variables.visitorId };
}

const texts = (page: Page, selector: string) => page.locator(selector).allTextContents().then((all) => all.map((text) => text.replace(/\s+/g, ' ').trim()));
/** The value beside a label of "Thống kê truy cập". */
const counter = (page: Page, label: string) => page.locator('.visits div').filter({ has: page.locator('dt', { hasText: label }) }).locator('dd').textContent();
const vietnameseCount = (count: number) => new Intl.NumberFormat('vi-VN').format(count);

describe('a unit home page', () => {
  it('shows every block of the seed page as the gateway answers it', async () => {
    const direct = await gateway.gql(`{
      unit(code: "${CODE}") {
        fullName
        parent { fullName }
        articles(first: 10) { nodes { title publishedAt source { name } } }
        documents: articles(first: 5, filter: { kinds: [LEGAL_DOCUMENT] }) { nodes { title document { number documentType issuer issuedOn } } }
        visits { total online today }
      }
    }`);
    const unit = direct.data.unit;
    expect(unit.documents.nodes.length).toBeGreaterThan(0);

    const { page, leftLocalhost, consoleErrors } = reader;
    const response = await page.goto(`${portalUrl}/${CODE}`);
    expect(response!.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    expect(await page.title()).toBe(unit.fullName);

    // Header: the unit's name, its place in the map, today in Vietnam.
    expect(await texts(page, 'header .site-kind')).toEqual(['Trang Thông tin điện tử']);
    expect(await texts(page, 'header h1')).toEqual([unit.fullName]);
    expect(await texts(page, 'header .site-place')).toEqual([unit.parent.fullName]);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    expect(await texts(page, 'header .today')).toEqual([vietnameseDay(`${today}T00:00:00+07:00`)]);

    // The newest articles with their dates and sources, and "Văn bản mới".
    expect(await texts(page, '.news .teasers h3')).toEqual(unit.articles.nodes.map((a: { title: string }) => a.title));
    expect(await texts(page, '.news .teasers .meta')).toEqual(
      unit.articles.nodes.map((a: { publishedAt: string; source: { name: string } | null }) => vietnameseDay(a.publishedAt) + (a.source ? ` · ${a.source.name}` : '')),
    );
    expect(await texts(page, '.documents h2')).toEqual(['Văn bản mới']);
    expect(await texts(page, '.documents li a')).toEqual(unit.documents.nodes.map((a: { title: string }) => a.title));
    // Each with its number, type, issuer and day of issue ("512/QĐ-UBND · Quyết định · UBND tỉnh Ninh Bình · ngày 12/07/2024").
    type Particulars = { number: string; documentType: string; issuer: string; issuedOn: string };
    expect(await texts(page, '.documents li .particulars')).toEqual(
      unit.documents.nodes.map(({ document: d }: { document: Particulars }) => `${d.number} · ${d.documentType} · ${d.issuer} · ngày ${d.issuedOn.split('-').reverse().join('/')}`),
    );

    // "Thống kê truy cập" as the gateway counted before this page's own visit.
    expect(await texts(page, '.visits h2')).toEqual(['Thống kê truy cập']);
    expect(await counter(page, 'Lượt truy cập')).toBe(vietnameseCount(unit.visits.total));
    expect(await counter(page, 'Trực tuyến')).toBe(vietnameseCount(unit.visits.online));
    expect(await counter(page, 'Hôm nay')).toBe(vietnameseCount(unit.visits.today));

    expect({ leftLocalhost, consoleErrors }).toEqual({ leftLocalhost: [], consoleErrors: [] });
  });

  it('counts each load in the browser: "Lượt truy cập" grows by exactly the visits the gateway counted', async () => {
    const { page, consoleErrors } = reader;
    const first = await loadCountingVisit(page, () => page.goto(`${portalUrl}/${CODE}`));
    const shown = [Number((await counter(page, 'Lượt truy cập'))!.replace(/\./g, ''))];
    const counted = [first.counted];
    const visitors = [first.visitorId];
    for (let reload = 0; reload < 2; reload++) {
      const visit = await loadCountingVisit(page, () => page.reload());
      shown.push(Number((await counter(page, 'Lượt truy cập'))!.replace(/\./g, '')));
      counted.push(visit.counted);
      visitors.push(visit.visitorId);
    }
    // A new reader is counted; the same reader reloading within 30 s is not (the gateway's rule 1).
    expect(counted).toEqual([true, false, false]);
    expect(shown[1] - shown[0]).toBe(1);
    expect(shown[2] - shown[1]).toBe(0);
    expect(await counter(page, 'Trực tuyến')).not.toBe('0');
    // One random visitor id, kept in the browser.
    expect(new Set(visitors).size).toBe(1);
    expect(visitors[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await page.evaluate("localStorage.getItem('lienthong.visitorId')")).toBe(visitors[0]);
    // Sent as JSON to the gateway's public address, answered across origins.
    expect(first.response.request().method()).toBe('POST');
    expect(first.response.request().headers()['content-type']).toBe('application/json');
    expect(first.response.headers()['access-control-allow-origin']).toBe(new URL(portalUrl).origin);
    expect(consoleErrors).toEqual([]);

    const after = await gateway.gql(`{ unit(code: "${CODE}") { visits { total } } }`);
    expect(after.data.unit.visits.total).toBe(shown[2]);
  });

  it('is readable on a phone: no horizontal scrolling at 390 px', async () => {
    const phone = await openReader({ width: 390, height: 844 });
    try {
      const slug = (await gateway.gql(`{ unit(code: "${CODE}") { articles(first: 1) { nodes { slug } } } }`)).data.unit.articles.nodes[0].slug;
      for (const path of [`/${CODE}`, `/${CODE}/bai-viet/${slug}`, `/${CODE}/tin-tuc`]) {
        await phone.page.goto(`${portalUrl}${path}`);
        const widths: { scroll: number; client: number } = await phone.page.evaluate('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })');
        expect({ path, ...widths }).toEqual({ path, scroll: widths.client, client: 390 });
      }
    } finally {
      await phone.context.close();
    }
  });
});

describe('an article page', () => {
  it('shows the article, its source, "Bài liên quan" and "Xem thêm", counts the article view, and a related link opens its article', async () => {
    const found = await gateway.gql(`{ unit(code: "${CODE}") { articles(first: 100) { nodes { slug title } } } }`);
    const slug = found.data.unit.articles.nodes.find((a: { title: string }) => a.title === SEED_ARTICLE).slug;
    const direct = await gateway.gql(`{
      article(slug: "${slug}") { id title publishedAt body sourceUrl source { name } views related(first: 5) { slug title } }
      unit(code: "${CODE}") { articles(first: 6) { nodes { id title } } }
    }`);
    const { article, unit } = direct.data;
    expect(article.related.length).toBeGreaterThan(0);
    expect(article.source.name).toBe('Báo Ninh Bình');

    const { page, leftLocalhost, consoleErrors } = reader;
    const visit = await loadCountingVisit(page, () => page.goto(`${portalUrl}/${CODE}/bai-viet/${slug}`));
    expect(await texts(page, 'main article h1')).toEqual([SEED_ARTICLE]);
    expect(await texts(page, 'main article .meta')).toEqual(['Thứ sáu, 08/12/2023']);
    expect(await page.locator('.article-body').innerHTML()).toContain(article.body);
    expect(await texts(page, '.source')).toEqual(['Nguồn: Báo Ninh Bình']);
    expect(await page.locator('.source a').getAttribute('href')).toBe(article.sourceUrl);
    expect(await texts(page, '.related li a')).toEqual(article.related.map((a: { title: string }) => a.title));
    const more = unit.articles.nodes.filter((a: { id: string }) => a.id !== article.id).slice(0, 5);
    expect(await texts(page, '.more li a')).toEqual(more.map((a: { title: string }) => a.title));
    expect(await texts(page, '.sidebar h2')).toEqual(['Văn bản mới', 'Thống kê truy cập']);

    // The browser counted the view of this article on this portal.
    expect(JSON.parse(visit.response.request().postData()!).variables).toEqual({ unitCode: CODE, articleId: article.id, visitorId: visit.visitorId });
    expect(visit.counted).toBe(true);
    expect((await gateway.gql(`{ article(id: "${article.id}") { views } }`)).data.article.views).toBe(article.views + 1);

    await page.locator('.related li a').first().click();
    await page.waitForURL(`${portalUrl}/${CODE}/bai-viet/${article.related[0].slug}`);
    expect(await texts(page, 'main article h1')).toEqual([article.related[0].title]);
    expect({ leftLocalhost, consoleErrors }).toEqual({ leftLocalhost: [], consoleErrors: [] });
  });

  it('an article shown on other portals only (reached through "Bài liên quan") counts as a visit to this portal, without the article', async () => {
    const everywhere = (await gateway.gql('{ articles(first: 100) { nodes { id slug views } } }')).data.articles.nodes;
    const here = new Set((await gateway.gql(`{ unit(code: "${CODE}") { articles(first: 100) { nodes { id } } } }`)).data.unit.articles.nodes.map((a: { id: string }) => a.id));
    const elsewhere = everywhere.find((a: { id: string }) => !here.has(a.id));
    const totalBefore = (await gateway.gql(`{ unit(code: "${CODE}") { visits { total } } }`)).data.unit.visits.total;

    const { page, consoleErrors } = reader;
    const sent = (response: Response, articleId: string | null) =>
      response.url() === `${browserSide.url}/graphql` && JSON.parse(response.request().postData() ?? '{}').variables?.articleId === articleId;
    const [withArticle, withoutArticle] = await Promise.all([
      page.waitForResponse((r) => sent(r, elsewhere.id)),
      page.waitForResponse((r) => sent(r, null)),
      page.goto(`${portalUrl}/${CODE}/bai-viet/${elsewhere.slug}`),
    ]);
    expect((await withArticle.json()).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'articleId' });
    expect(await withoutArticle.json()).toEqual({ data: { recordVisit: true } });
    // The refused call is the browser's one complaint (an HTTP 400 it logs), nothing of the page's.
    expect(consoleErrors.filter((error) => !error.includes('status of 400'))).toEqual([]);

    const after = await gateway.gql(`{ unit(code: "${CODE}") { visits { total } } article(id: "${elsewhere.id}") { views } }`);
    expect(after.data.unit.visits.total).toBe(totalBefore + 1);
    expect(after.data.article.views).toBe(elsewhere.views);
  });

  it('"Xem thêm" of the newest article is the next five of the feed, the article itself left out', async () => {
    const feed = (await gateway.gql(`{ unit(code: "${CODE}") { articles(first: 6) { nodes { slug title } } } }`)).data.unit.articles.nodes;
    const { page } = reader;
    await page.goto(`${portalUrl}/${CODE}/bai-viet/${feed[0].slug}`);
    expect(await texts(page, 'main article h1')).toEqual([feed[0].title]);
    expect(await texts(page, '.more li a')).toEqual(feed.slice(1).map((a: { title: string }) => a.title));
  });
});

describe('the archive', () => {
  it('pages the feed with the gateway cursor: two pages, no overlap, "Trang sau" follows endCursor', async () => {
    const first = await gateway.gql(UnitArchiveDocument, { code: CODE, after: null });
    const endCursor = first.data!.unit!.articles.pageInfo.endCursor!;
    const second = await gateway.gql(UnitArchiveDocument, { code: CODE, after: endCursor });
    const titlesOf = (answer: typeof first) => answer.data!.unit!.articles.nodes.map((a) => a.title);

    const { page } = reader;
    await page.goto(`${portalUrl}/${CODE}/tin-tuc`);
    const pageOne = await texts(page, '.teasers h3');
    expect(pageOne).toEqual(titlesOf(first));
    expect(await texts(page, '.total')).toEqual([`${first.data!.unit!.articles.totalCount} bài viết`]);
    // Reading the archive is a visit to the portal too (not to an article).
    const visitScript = page.locator('script[src="/static/visit.js"]');
    expect([await visitScript.getAttribute('data-unit'), await visitScript.getAttribute('data-article')]).toEqual([CODE, null]);

    await page.getByRole('link', { name: 'Trang sau' }).click();
    await page.waitForURL(`${portalUrl}/${CODE}/tin-tuc?${new URLSearchParams({ sau: endCursor })}`);
    const pageTwo = await texts(page, '.teasers h3');
    expect(pageTwo).toEqual(titlesOf(second));
    expect(pageTwo.length).toBeGreaterThan(0);
    expect(pageOne.filter((title) => pageTwo.includes(title))).toEqual([]);
    expect(await page.getByRole('link', { name: 'Trang đầu' }).getAttribute('href')).toBe(`/${CODE}/tin-tuc`);
  });
});

describe('search', () => {
  it('finds without diacritics ("cai cach") the articles whose title has "cải cách"', async () => {
    const feed = await gateway.gql(`{ unit(code: "${CODE}") { articles(first: 100) { nodes { title } } } }`);
    const withCaiCach = feed.data.unit.articles.nodes.map((a: { title: string }) => a.title).filter((title: string) => title.toLowerCase().includes('cải cách'));
    expect(withCaiCach.length).toBeGreaterThan(1);

    const { page } = reader;
    await page.goto(`${portalUrl}/${CODE}`);
    await page.locator('header input[name="q"]').fill('cai cach');
    await page.locator('header form button').click();
    await page.waitForURL(`${portalUrl}/${CODE}/tim-kiem?q=cai+cach`);
    const found = await texts(page, '.teasers h3');
    expect(found).toEqual(expect.arrayContaining(withCaiCach));
    expect(await page.locator('main input[name="q"]').inputValue()).toBe('cai cach');

    const direct = await gateway.gql(`{ unit(code: "${CODE}") { articles(first: 10, filter: { search: "cai cach" }, orderBy: RELEVANCE) { nodes { title } } } }`);
    expect(found).toEqual(direct.data.unit.articles.nodes.map((a: { title: string }) => a.title));
  });

  it('finds a legal document by its number however it is typed, and its page shows the particulars', async () => {
    const direct = await gateway.gql(`{ unit(code: "${CODE}") { articles(first: 1, filter: { kinds: [LEGAL_DOCUMENT] }) { nodes { title document { number documentType issuer issuedOn effectiveOn signer fileUrl } } } } }`);
    const [{ title, document }] = direct.data.unit.articles.nodes;
    const typed = ` ${document.number.toLowerCase().replace(/đ/g, 'd').replace('/', ' / ')} `;
    const { page } = reader;
    await page.goto(`${portalUrl}/${CODE}/tim-kiem?${new URLSearchParams({ q: typed })}`);
    expect(await texts(page, '.by-number li a')).toEqual([title]);
    expect(await texts(page, '.by-number .number')).toEqual([document.number]);

    await page.locator('.by-number li a').click();
    expect(await texts(page, 'article h1')).toEqual([title]);
    const shown = Object.fromEntries(await page.locator('dl.particulars div').evaluateAll((rows) => rows.map((row) => [row.querySelector('dt')!.textContent, row.querySelector('dd')!.textContent])));
    expect(shown).toMatchObject({ 'Số, ký hiệu': document.number, 'Loại văn bản': document.documentType, 'Cơ quan ban hành': document.issuer, 'Ngày ban hành': vietnameseDay(`${document.issuedOn}T00:00:00+07:00`) });
    if (document.fileUrl) expect(await page.getByRole('link', { name: 'Tải về' }).getAttribute('href')).toBe(document.fileUrl);
  });

  it('without words shows the form only', async () => {
    const res = await fetch(`${portalUrl}/${CODE}/tim-kiem`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="q"');
    expect(html).not.toContain('class="teasers"');
  });
});

describe('talking to the gateway', () => {
  it('asks by GET with the query’s hash alone: the content, which an edge may keep, and the counters apart', async () => {
    const slug = (await gateway.gql(`{ unit(code: "${CODE}") { articles(first: 1) { nodes { slug } } } }`)).data.unit.articles.nodes[0].slug;
    // Pages with "Thống kê truy cập" (and those that may turn out to be one) ask for the counters too.
    const pages: [string, number][] = [
      [`/${CODE}`, 2],
      [`/${CODE}/bai-viet/${slug}`, 2],
      [`/${CODE}/tin-tuc`, 1],
      [`/${CODE}/tim-kiem?q=cai+cach`, 1],
      [`/${CODE}/tim-kiem`, 1],
      ['/376', 2],
      ['/99999', 2],
      [`/${CODE}/bai-viet/khong-co-bai-viet-nay`, 2],
    ];
    const params = (url: string) => new URL(url, gateway.url).searchParams;
    for (const [path, asks] of pages) {
      await (await fetch(`${portalUrl}${path}`)).text(); // the gateway learns the queries' texts
      const before = serverSide.sent.length;
      await (await fetch(`${portalUrl}${path}`)).text();
      const sent = serverSide.sent.slice(before);
      expect({ path, methods: sent.map((r) => r.method) }).toEqual({ path, methods: Array(asks).fill('GET') });
      for (const request of sent) {
        expect(params(request.url).get('query')).toBeNull();
        expect(JSON.parse(params(request.url).get('extensions')!).persistedQuery.sha256Hash).toMatch(/^[0-9a-f]{64}$/);
      }
    }
    // The first time, the gateway did not know a text: asked again, with it (Apollo's APQ).
    const withText = serverSide.sent.findIndex((r) => params(r.url).get('query') !== null);
    expect(withText).toBeGreaterThan(0);
    const hashOf = (url: string) => JSON.parse(params(url).get('extensions')!).persistedQuery.sha256Hash;
    expect(serverSide.sent.slice(0, withText).map((r) => hashOf(r.url))).toContain(hashOf(serverSide.sent[withText].url));

    // The home page's two answers, as an edge in front of the gateway sees them.
    const before = serverSide.sent.length;
    await (await fetch(`${portalUrl}/${CODE}`)).text();
    const answers = await Promise.all(serverSide.sent.slice(before).map((r) => fetch(`${gateway.url}${r.url}`, { headers: { accept: 'application/json' } })));
    const byName = Object.fromEntries(answers.map((answer, i) => [params(serverSide.sent[before + i].url).get('operationName'), answer.headers]));
    expect(byName.UnitHome.get('cache-control')).toMatch(/^max-age=\d+, public$/);
    expect(byName.UnitHome.get('surrogate-key')).toContain('shown:');
    expect(byName.UnitCounters.get('cache-control')).toBe('no-store');
    expect(byName.UnitCounters.get('surrogate-key')).toBeNull();
  });

  it('renders a browser page from the portal alone: its style sheet and visit script are not the gateway’s', async () => {
    const before = serverSide.sent.length;
    await loadCountingVisit(reader.page, () => reader.page.goto(`${portalUrl}/${CODE}`));
    expect(serverSide.sent.slice(before).map((r) => new URL(r.url, gateway.url).searchParams.get('operationName')).sort()).toEqual(['UnitCounters', 'UnitHome']);
  });

  it('forwards the gateway Cache-Control when it is public, and no-store otherwise', async () => {
    const archive = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(UnitArchiveDocument), variables: { code: CODE } }),
    });
    expect(archive.headers.get('cache-control')).toMatch(/^max-age=\d+, public$/);
    const portalArchive = await fetch(`${portalUrl}/${CODE}/tin-tuc`);
    expect(portalArchive.headers.get('cache-control')).toBe(archive.headers.get('cache-control'));

    // Visit counters are never cached by the gateway, so neither is a page that shows them.
    const home = await fetch(`${portalUrl}/${CODE}`);
    expect(home.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${portalUrl}/99999`)).headers.get('cache-control')).toBe('no-store');

    expect(publicOrNoStore('max-age=30, public')).toBe('max-age=30, public');
    expect(publicOrNoStore('no-store')).toBe('no-store');
    expect(publicOrNoStore('private, no-store')).toBe('no-store');
    expect(publicOrNoStore('max-age=30, private')).toBe('no-store');
    expect(publicOrNoStore(null)).toBe('no-store');
    // A page made of two answers: as the stricter of them.
    expect(sharedCacheControl('max-age=30, public', 'max-age=3600, public')).toBe('max-age=30, public');
    expect(sharedCacheControl('max-age=30, public', 'no-store')).toBe('no-store');
  });
});

describe('a unit of the old map', () => {
  it('says when Huyện Kim Sơn ended, links its successors, keeps its archive and counts no visit', async () => {
    const direct = await gateway.gql('{ unit(code: "376") { fullName validTo successors { whole unit { code fullName validTo } } articles(first: 1) { nodes { title } } } }');
    const { unit } = direct.data;
    expect(unit.validTo).toBe('2025-06-30');
    expect(unit.successors.length).toBeGreaterThan(0);

    const { page, consoleErrors } = reader;
    const sentToGateway: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(browserSide.url)) sentToGateway.push(request.url());
    });
    const response = await page.goto(`${portalUrl}/376`);
    expect(response!.status()).toBe(200);
    expect(await texts(page, 'header h1')).toEqual(['Huyện Kim Sơn']);
    expect(await texts(page, '.ended h2')).toEqual(['Huyện Kim Sơn đã kết thúc hoạt động']);
    expect((await texts(page, '.ended p'))[0]).toContain('đến hết ngày Thứ hai, 30/06/2025');
    const successors = await page.locator('.ended .successors a').evaluateAll((links) => links.map((a) => ({ href: a.getAttribute('href'), name: a.textContent })));
    expect(successors).toEqual(unit.successors.map((s: { unit: { code: string; fullName: string } }) => ({ href: `/${s.unit.code}`, name: s.unit.fullName })));
    expect(await texts(page, '.news .teasers h3').then((titles) => titles[0])).toBe(unit.articles.nodes[0].title);
    expect(await page.locator('script[src="/static/visit.js"]').count()).toBe(0);

    // A successor's link opens the successor's portal, which counts visits again.
    const successor = unit.successors[0].unit;
    await loadCountingVisit(page, () => page.locator('.ended .successors a').first().click());
    expect(page.url()).toBe(`${portalUrl}/${successor.code}`);
    expect(await texts(page, 'header h1')).toEqual([successor.fullName]);
    expect(await page.locator('.ended').count()).toBe(0);
    expect(sentToGateway).toEqual([`${browserSide.url}/graphql`]);
    expect(consoleErrors).toEqual([]);
  });
});

describe('error pages', () => {
  it.each([
    ['an unknown unit', '/99999'],
    ['an unknown article', `/${CODE}/bai-viet/khong-co-bai-viet-nay`],
    ['a path that is no unit code', '/favicon.ico'],
    ['an unknown page of a unit', `/${CODE}/lien-he`],
  ])('%s is a Vietnamese 404 page', async (_what, path) => {
    const res = await fetch(`${portalUrl}${path}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('Không tìm thấy');
  });

  it.each([
    ['a cursor the gateway refuses', `/${CODE}/tin-tuc?sau=khong-phai-con-tro`],
    ['a repeated parameter', `/${CODE}/tim-kiem?q=a&q=b`],
  ])('%s is a 400 page, not a 500', async (_what, path) => {
    const res = await fetch(`${portalUrl}${path}`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Địa chỉ không hợp lệ');
    expect(html).not.toMatch(/at \w+ \(|Error:|BAD_USER_INPUT/);
  });

  it('says the news service is unavailable (503) when the gateway cannot be reached or fails, without a stack trace', async () => {
    // A port that was just free: nothing listens on it.
    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    // A gateway that lost its database: 503 with a GraphQL error, as the real one answers then.
    const failing = createHttpServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      response.end(JSON.stringify({ errors: [{ message: 'Service unavailable', extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } }] }));
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));

    for (const gatewayUrl of [`http://127.0.0.1:${closedPort}`, `http://127.0.0.1:${(failing.address() as AddressInfo).port}`]) {
      const stranded = await createPortal({ gatewayUrl });
      try {
        for (const path of [`/${CODE}`, `/${CODE}/tin-tuc`]) {
          const res = await stranded.inject(path);
          expect(res.statusCode).toBe(503);
          expect(res.headers['cache-control']).toBe('no-store');
          expect(res.body).toContain('<html lang="vi">');
          expect(res.body).toContain('Dịch vụ tin tức tạm thời gián đoạn');
          expect(res.body).not.toMatch(/ECONNREFUSED|fetch failed|SERVICE_UNAVAILABLE|at \w+ \(|127\.0\.0\.1/);
        }
      } finally {
        await stranded.close();
      }
    }
    await new Promise((resolve) => failing.close(resolve));
  });
});

describe('the portal folder', () => {
  it('imports nothing from the gateway code: a province copies it and keeps only the HTTP API between them', () => {
    const dir = join(__dirname, '..', '..', 'examples', 'portal');
    const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));
    expect(files).toContain('portal.ts');
    const reachingOut = files.filter((name) => /from '\.\.\//.test(readFileSync(join(dir, name), 'utf8')));
    expect(reachingOut).toEqual([]);
  });
});
