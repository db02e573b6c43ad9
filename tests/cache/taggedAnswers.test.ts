import { CREATE_ARTICLE, UPDATE_ARTICLE, WITHDRAW, SYNDICATE, DELETE_ARTICLE } from '../helpers/operations';
import { insertArticles, minutesAfter, neighbourhood } from '../helpers/fixtures';
import { createTestEnvironment, KeyedClient, TestEnvironment } from '../helpers/testEnvironment';
import { waitFor } from '../helpers/waitFor';

/*
 * Issue #32: an edit drops the kept answers that read what it changes, and no other. Each page is
 * asked twice first (executed, then kept: an `age` header), an edit is made through the API, and
 * each page is asked again: dropped pages are executed (no `age`) and show the edit; the others
 * are still the kept answer.
 */

let env: TestEnvironment;
let admin: KeyedClient;
/** Today's units: two communes of the new Tỉnh Ninh Bình, the province, and a commune of Hà Nội with its city. */
const unit = { phatDiem: '14620', neighbour: '', ninhBinh: '', haNoiCommune: '', haNoi: '01' };
let haNoiArticle: number;

const HOME = 'query Home($code: ID!) { commune(code: $code) { articles(first: 5) { nodes { id title } } } }';
const LINEAGE = 'query Lineage($code: ID!) { commune(code: $code) { articles(first: 5, scope: LINEAGE) { nodes { id title } } } }';
const PROVINCE = 'query Province($code: ID!) { province(code: $code) { articles(first: 5, scope: SUBTREE) { totalCount nodes { id title } } } }';
const ALL = 'query All { articles(first: 5) { nodes { id title } } }';
const ARTICLE = 'query Article($id: ID!) { article(id: $id) { id title related(first: 3) { id } } }';

interface Page {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

async function ask(page: Page): Promise<{ kept: boolean; body: any }> {
  const res = await fetch(`${env.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: page.query, variables: page.variables }) });
  const body = (await res.json()) as any;
  expect(body.errors).toBeUndefined();
  return { kept: res.headers.get('age') !== null, body };
}

let pages: Page[];

beforeAll(async () => {
  env = await createTestEnvironment();
  admin = await env.asAdmin();
  const db = env.dataSource;
  const { phatDiem, neighbour, province, haNoiCommune } = await neighbourhood(db);
  Object.assign(unit, { neighbour: neighbour.code, ninhBinh: province.code, haNoiCommune: haNoiCommune.code });
  [haNoiArticle] = await insertArticles(db, [
    { title: 'Hà Nội: tin cải cách hành chính', origin: haNoiCommune.id, publishedAt: minutesAfter(1), topics: ['Cải cách hành chính'] },
    { title: 'Phát Diệm: tin cũ', origin: phatDiem.id, publishedAt: minutesAfter(2), topics: ['Cải cách hành chính'] },
    { title: 'Ninh Bình: tin của tỉnh', origin: province.id, publishedAt: minutesAfter(3) },
  ]);
  pages = [
    { name: 'home of Phát Diệm', query: HOME, variables: { code: unit.phatDiem } },
    { name: 'home of its neighbour', query: HOME, variables: { code: unit.neighbour } },
    { name: 'home of a Hà Nội commune', query: HOME, variables: { code: unit.haNoiCommune } },
    { name: 'lineage of Phát Diệm', query: LINEAGE, variables: { code: unit.phatDiem } },
    { name: 'lineage of its neighbour', query: LINEAGE, variables: { code: unit.neighbour } },
    { name: 'lineage of the Hà Nội commune', query: LINEAGE, variables: { code: unit.haNoiCommune } },
    { name: 'Ninh Bình subtree', query: PROVINCE, variables: { code: unit.ninhBinh } },
    { name: 'Hà Nội subtree', query: PROVINCE, variables: { code: unit.haNoi } },
    { name: 'all articles', query: ALL, variables: {} },
    { name: 'the Hà Nội article', query: ARTICLE, variables: { id: String(haNoiArticle) } },
  ];
}, 120_000);
afterAll(() => env?.close());

/** Asks every page until it is kept, makes the edit, and names the pages it dropped. */
async function droppedBy(edit: () => Promise<void>): Promise<string[]> {
  for (const page of pages) {
    await ask(page);
    expect((await ask(page)).kept).toBe(true);
  }
  await edit();
  const dropped: string[] = [];
  for (const page of pages) if (!(await ask(page)).kept) dropped.push(page.name);
  return dropped;
}

const titlesOf = (body: any): string[] => JSON.stringify(body).match(/"title":"[^"]*"/g) ?? [];

describe('an edit drops exactly the kept answers that read what it changes', () => {
  it('a new article at a commune: its feeds, its province subtree and all articles; not its neighbour, not Hà Nội', async () => {
    let id = '';
    const dropped = await droppedBy(async () => {
      const created = await admin.gql(CREATE_ARTICLE, { input: { originCode: unit.phatDiem, title: 'Phát Diệm: một tin mới', body: '<p>Nội dung.</p>' } });
      id = created.data.createArticle.id;
    });
    expect(dropped.sort()).toEqual(['all articles', 'home of Phát Diệm', 'lineage of Phát Diệm', 'Ninh Bình subtree'].sort());
    // And the pages executed again show it.
    expect(titlesOf((await ask(pages[0])).body)).toContain('"title":"Phát Diệm: một tin mới"');
    expect(titlesOf((await ask(pages[6])).body)).toContain('"title":"Phát Diệm: một tin mới"');
    expect(id).not.toBe('');
  });

  it("a new article at the province: every lineage below it, not Hà Nội's", async () => {
    const dropped = await droppedBy(async () => {
      await admin.gql(CREATE_ARTICLE, { input: { originCode: unit.ninhBinh, title: 'Ninh Bình: thông báo mới', body: '<p>Nội dung.</p>' } });
    });
    expect(dropped.sort()).toEqual(['all articles', 'lineage of Phát Diệm', 'lineage of its neighbour', 'Ninh Bình subtree'].sort());
    expect(titlesOf((await ask(pages[4])).body)).toContain('"title":"Ninh Bình: thông báo mới"');
  });

  it('a retitled article: the pages that show it, its related articles, and no other', async () => {
    const dropped = await droppedBy(async () => {
      await admin.gql(UPDATE_ARTICLE, { id: String(haNoiArticle), input: { title: 'Hà Nội: tin cải cách hành chính (sửa)' } });
    });
    expect(dropped.sort()).toEqual(['all articles', 'home of a Hà Nội commune', 'lineage of the Hà Nội commune', 'Hà Nội subtree', 'the Hà Nội article'].sort());
    expect(titlesOf((await ask(pages[9])).body)).toContain('"title":"Hà Nội: tin cải cách hành chính (sửa)"');
  });

  it('syndicating to the neighbour, then withdrawing: its feeds and those above it', async () => {
    const syndicated = await droppedBy(async () => {
      const res = await admin.gql(SYNDICATE, { input: { articleIds: [String(haNoiArticle)], targetCodes: [unit.neighbour] } });
      expect(res.data.syndicate.changed).toBe(1);
    });
    // Its feeds already showing it are dropped too (more broadly than needed, never less).
    expect(syndicated).toEqual(expect.arrayContaining(['home of its neighbour', 'lineage of its neighbour', 'Ninh Bình subtree', 'the Hà Nội article']));
    expect(syndicated).not.toContain('home of Phát Diệm');
    expect(titlesOf((await ask(pages[1])).body)).toContain('"title":"Hà Nội: tin cải cách hành chính (sửa)"');
    const withdrawn = await droppedBy(async () => {
      const res = await admin.gql(WITHDRAW, { input: { articleIds: [String(haNoiArticle)], targetCodes: [unit.neighbour] } });
      expect(res.data.withdraw.changed).toBe(1);
    });
    expect(withdrawn).toEqual(expect.arrayContaining(['home of its neighbour', 'lineage of its neighbour', 'Ninh Bình subtree']));
    expect(withdrawn).not.toContain('home of Phát Diệm');
    expect(titlesOf((await ask(pages[1])).body)).not.toContain('"title":"Hà Nội: tin cải cách hành chính (sửa)"');
  });

  it('a dry run and a refused edit drop nothing', async () => {
    expect(
      await droppedBy(async () => {
        const res = await admin.gql(SYNDICATE, { input: { articleIds: [String(haNoiArticle)], targetCodes: [unit.neighbour], dryRun: true } });
        expect(res.data.syndicate.changed).toBe(1);
        const refused = await admin.gql(UPDATE_ARTICLE, { id: String(haNoiArticle), input: { title: '' } });
        expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      }),
    ).toEqual([]);
  });

  it('a deleted article: every page that showed it', async () => {
    const dropped = await droppedBy(async () => {
      const res = await admin.gql(DELETE_ARTICLE, { id: String(haNoiArticle) });
      expect(res.data.deleteArticle).toBe(true);
    });
    expect(dropped.sort()).toEqual(['all articles', 'home of a Hà Nội commune', 'lineage of the Hà Nội commune', 'Hà Nội subtree', 'the Hà Nội article'].sort());
    expect((await ask(pages[9])).body.data.article).toBeNull();
  });
});

describe('a scheduled article', () => {
  it('appears in the kept answers that should show it when its time comes, not a kept answer later', async () => {
    const home = { name: 'home of the neighbour', query: HOME, variables: { code: unit.neighbour } };
    const title = 'Lịch tiếp công dân tuần tới';
    const at = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
    const created = await admin.gql(CREATE_ARTICLE, { input: { originCode: unit.neighbour, title, body: '<p>Nội dung.</p>', publishedAt: at.toISOString() } });
    expect(created.errors).toBeUndefined();
    // Kept before its time, without it.
    await ask(home);
    const before = await ask(home);
    expect(before.kept).toBe(true);
    expect(titlesOf(before.body)).not.toContain(`"title":"${title}"`);
    let shown: { kept: boolean; body: any } | null = null;
    await waitFor('the scheduled article on the kept page', async () => {
      const res = await ask(home);
      if (titlesOf(res.body).includes(`"title":"${title}"`)) shown = res;
      else expect(Date.now()).toBeLessThan(at.getTime() + 10_000);
      return shown !== null;
    }, 30_000);
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime());
    // Its content max-age (30 s) would have kept the old page well past this.
    expect(Date.now()).toBeLessThan(at.getTime() + 10_000);
  });
});
