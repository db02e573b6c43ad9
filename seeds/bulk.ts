import { DataSource, QueryRunner } from 'typeorm';
import { foldVietnamese, memoizedFold, slugify } from '../src/common/vietnameseText';
import { transactionOn } from '../src/db/transaction';
import { ArticleKind } from '../src/modules/articles/article.entity';
import { growDataBounds } from '../src/plugins/dataBounds';
import {
  completePublishingRange,
  countNewArticles,
  insertPublications,
  insertTopicFilings,
  originPublication,
  PublicationRow,
  syndicatedPublication,
  topicFiling,
  TopicFilingRow,
} from '../src/modules/articles/publishing';
import type { UnitLevel } from '../src/modules/units/unit.entity';
import { parseDay, vietnamDay, vietnamDayNumber } from '../src/common/vietnamDay';
import { DocumentDraft, legalDocument } from '../src/modules/articles/articleInput';
import { insertLegalDocuments } from '../src/modules/articles/legalDocuments';
import { NEW_MAP_FROM, OLD_MAP_UNTIL } from './vnAdmin';
import { mulberry32, Mulberry32 } from './mulberry32';
import { committedChunks, inSeedRun, recordSeedChunk, SeedRun } from './seedRuns';

/**
 * Deterministic bulk articles for benchmarks and load tests (`npm run seed -- --articles N`).
 *
 * The shape follows the benchmark's reference generator (scripts/bench/raw-sql/dataset/gen.mjs), so
 * that the raw-SQL baseline and the gateway are measured on data of the same size and shape: origins
 * 50% commune / 30% district / 20% province, 0-4 syndication targets mostly near the origin, the
 * same title and sentence templates, dates spread over the year before 2025-06-30T23:59:59Z (by
 * default) and 100 sources. The draws that decide an article's origin, text, date, source and targets are made in the
 * reference's order from the same mulberry32 stream, so on a database with the same units and no
 * demo content article i here is the reference's article i (ids are shifted past MAX(id)). What the
 * reference has no notion of (kind, topics, paragraphs, views) comes from a second stream, so adding
 * it never disturbs the first.
 *
 * Both maps: the draws pick units of the map in force until 2025-06-30. An article whose day (in
 * Vietnam) is on the new map goes to the unit that took the drawn one (its first successor), and
 * its text names that unit; an old-map article's copies are dated no later than the old map's last
 * day. With the default end, the last seven hours of the span are already 2025-07-01 in Vietnam,
 * so ~0.1% of the reference's articles land on new units here.
 *
 * Loading: chunks of CHUNK_ARTICLES articles, each written as one transaction (articles,
 * publications, article_topics, then the derived feeds rebuilt set-based for the chunk's id range) on one
 * of two dedicated connections, so at most two statements are in flight while the next chunk is
 * generated. A failure stops the load; chunks committed before it stay, each recorded with the
 * generator's state after it, and the same command run again writes the rest (seeds/seedRuns.ts).
 * The search documents fold their text with a memoizedFold: the bulk text repeats a small vocabulary.
 */

export interface BulkOptions {
  /** How many articles to add. */
  articles: number;
  /** PRNG seed; the same seed and count on the same starting data give the same rows. Default 42. */
  seed?: number;
  /** The last day of the articles' span ('YYYY-MM-DD', up to 23:59:59 UTC); default 2025-06-30, the reference's. */
  end?: string;
  /** How many days the span has; default 365, the reference's. */
  days?: number;
  /** The seed command this load is part of (seeds/seedRuns.ts); by default a run of its own. */
  run?: SeedRun;
  /** Called after each chunk commits, with the articles written so far and the total asked for. */
  onProgress?: (done: number, total: number) => void;
}

export interface BulkResult {
  articles: number;
  publications: number;
  seconds: number;
}

/** Articles per chunk: one transaction, one multi-row INSERT per table (~1,000 articles, ~2,400 publications). */
const CHUNK_ARTICLES = 1000;
/** Connections writing chunks concurrently, hence the most statements in flight. */
const WRITERS = 2;
/** Articles are dated over the days (by default 365, as the reference's) that end with this day (the reference's --end-date). */
export const DEFAULT_ARTICLES_END = OLD_MAP_UNTIL;
export const DEFAULT_ARTICLES_DAYS = 365;
/** The first day of the new map, as a Vietnamese day number. */
const NEW_MAP_DAY = parseDay(NEW_MAP_FROM)!;
/** The last second (UTC) of the old map's last day in Vietnam. */
const OLD_MAP_LAST_TS = NEW_MAP_DAY * 86400 - 7 * 3600 - 1;
/** A syndicated copy appears on its unit 0-48 h after the origin published the article. */
const SYNDICATION_DELAY_SECONDS = 48 * 3600;
const SOURCE_TOTAL = 100;
/** Before the first generated article; fixed so that reruns give identical rows. */
const SOURCE_CREATED_AT = '2024-06-30 00:00:00';

// ---------- PRNG ----------

/** Draw helpers over one stream; each helper consumes exactly one number, as in the reference. */
class Draws {
  constructor(private stream: Mulberry32) {}

  readonly next = (): number => this.stream();

  get state(): number {
    return this.stream.state;
  }

  /** Goes on from a state this stream (or one with the same seed) was in. */
  resume(state: number): void {
    this.stream = mulberry32(state);
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A picker by weight, same arithmetic as the reference's weightedPicker. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): () => T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    return () => {
      let x = this.next() * total;
      for (const [value, w] of items) if ((x -= w) < 0) return value;
      return items[items.length - 1][0];
    };
  }
}

// ---------- text (the reference's templates) ----------

const PHRASE_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['cải cách hành chính', 1], ['chuyển đổi số', 3], ['dịch vụ công trực tuyến', 2], ['Chính phủ số', 2],
  ['thủ tục hành chính', 2], ['kinh tế số', 2], ['xã hội số', 2], ['nông thôn mới', 3], ['an sinh xã hội', 2],
  ['phát triển kinh tế', 2], ['đầu tư công', 2], ['giải ngân vốn', 1], ['phòng chống thiên tai', 1],
  ['bảo vệ môi trường', 1], ['y tế cơ sở', 1], ['giáo dục', 1], ['du lịch', 1], ['văn hóa', 1],
  ['an ninh trật tự', 1], ['thủ tục', 1], ['hồ sơ một cửa', 1], ['đất đai', 1], ['xây dựng', 1],
  ['giao thông nông thôn', 1], ['nước sạch', 1], ['hợp tác xã', 1], ['thanh niên', 1], ['phụ nữ', 1],
  ['cựu chiến binh', 1], ['Mặt trận Tổ quốc', 1], ['công chức xã', 1], ['phường', 1], ['xã', 1],
];
const VERBS: readonly string[] = ['Đẩy mạnh', 'Triển khai', 'Tăng cường', 'Nâng cao hiệu quả', 'Tổng kết', 'Sơ kết', 'Hội nghị về', 'Tập huấn', 'Kiểm tra', 'Hướng dẫn', 'Quyết liệt thực hiện', 'Đánh giá'];
const SUBJECTS: readonly string[] = ['Ủy ban nhân dân', 'Hội đồng nhân dân', 'Đảng ủy', 'Ban chỉ đạo', 'Cán bộ, công chức', 'Người dân', 'Doanh nghiệp', 'Đoàn thanh niên'];
const GOALS: readonly string[] = ['phục vụ người dân và doanh nghiệp', 'nâng cao chỉ số hài lòng', 'rút ngắn thời gian giải quyết hồ sơ', 'xây dựng chính quyền điện tử', 'hoàn thành kế hoạch năm 2025', 'bảo đảm an toàn thông tin', 'thu hút đầu tư'];
const FILLERS: readonly string[] = ['trong thời gian qua', 'theo kế hoạch', 'với nhiều kết quả tích cực', 'trên địa bàn', 'tại bộ phận một cửa', 'qua cổng dịch vụ công', 'trong quý II', 'đúng tiến độ'];

/** National outlets first, then per-province outlets, as the reference names its sources. */
const NATIONAL_SOURCES: readonly string[] = ['Báo Nhân Dân', 'Thông tấn xã Việt Nam', 'Báo Chính phủ', 'Cổng Thông tin điện tử Chính phủ', 'Đài Truyền hình Việt Nam', 'Đài Tiếng nói Việt Nam', 'Báo Tuổi Trẻ', 'Báo Thanh Niên', 'VnExpress', 'Báo Lao Động'];

// ---------- topics ----------

/** The topics bulk articles are filed under; created by slug when missing. */
const TOPIC_NAMES: readonly string[] = [
  'Cải cách hành chính', 'Chuyển đổi số', 'Dịch vụ công trực tuyến', 'Kinh tế', 'Đầu tư công',
  'Nông thôn mới', 'Nông nghiệp', 'An sinh xã hội', 'Y tế', 'Giáo dục', 'Văn hóa - Thể thao', 'Du lịch',
  'Tài nguyên - Môi trường', 'Phòng chống thiên tai', 'Quốc phòng - An ninh', 'Đất đai', 'Xây dựng - Đô thị',
  'Giao thông', 'Lao động - Việc làm', 'Thanh niên', 'Phụ nữ', 'Mặt trận Tổ quốc', 'Tổ chức - Cán bộ',
  'Chính quyền địa phương', 'Phổ biến pháp luật',
];

/** An article's first topic follows the first phrase of its title, so topics and text agree. */
const TOPIC_OF_PHRASE: ReadonlyMap<string, string> = new Map([
  ['cải cách hành chính', 'Cải cách hành chính'], ['thủ tục hành chính', 'Cải cách hành chính'],
  ['thủ tục', 'Cải cách hành chính'], ['hồ sơ một cửa', 'Cải cách hành chính'],
  ['chuyển đổi số', 'Chuyển đổi số'], ['Chính phủ số', 'Chuyển đổi số'], ['kinh tế số', 'Chuyển đổi số'],
  ['xã hội số', 'Chuyển đổi số'], ['dịch vụ công trực tuyến', 'Dịch vụ công trực tuyến'],
  ['nông thôn mới', 'Nông thôn mới'], ['an sinh xã hội', 'An sinh xã hội'], ['phát triển kinh tế', 'Kinh tế'],
  ['đầu tư công', 'Đầu tư công'], ['giải ngân vốn', 'Đầu tư công'], ['phòng chống thiên tai', 'Phòng chống thiên tai'],
  ['bảo vệ môi trường', 'Tài nguyên - Môi trường'], ['nước sạch', 'Tài nguyên - Môi trường'], ['y tế cơ sở', 'Y tế'],
  ['giáo dục', 'Giáo dục'], ['du lịch', 'Du lịch'], ['văn hóa', 'Văn hóa - Thể thao'],
  ['an ninh trật tự', 'Quốc phòng - An ninh'], ['đất đai', 'Đất đai'], ['xây dựng', 'Xây dựng - Đô thị'],
  ['giao thông nông thôn', 'Giao thông'], ['hợp tác xã', 'Nông nghiệp'], ['thanh niên', 'Thanh niên'],
  ['phụ nữ', 'Phụ nữ'], ['cựu chiến binh', 'Mặt trận Tổ quốc'], ['Mặt trận Tổ quốc', 'Mặt trận Tổ quốc'],
  ['công chức xã', 'Tổ chức - Cán bộ'], ['phường', 'Chính quyền địa phương'], ['xã', 'Chính quyền địa phương'],
]);

/**
 * Weights of the second and third topics. 'Cải cách hành chính' leads on purpose: with the phrase
 * mapping above it ends up on ~30% of the articles (measured at 200,000), a realistic "hot" topic.
 */
const EXTRA_TOPIC_WEIGHTS: ReadonlyArray<readonly [string, number]> = TOPIC_NAMES.map((name): readonly [string, number] => [
  name,
  name === 'Cải cách hành chính' ? 12 : name === 'Chuyển đổi số' || name === 'Dịch vụ công trực tuyến' ? 5 : name === 'Kinh tế' ? 3 : 1,
]);

/** Legal documents' types with the abbreviation their numbers carry ('123/QĐ-UBND'), by weight. */
const DOCUMENT_TYPES: ReadonlyArray<readonly [readonly [string, string], number]> = [
  [['Quyết định', 'QĐ'], 5], [['Kế hoạch', 'KH'], 4], [['Thông báo', 'TB'], 3], [['Công văn', ''], 3], [['Báo cáo', 'BC'], 2], [['Chỉ thị', 'CT'], 1],
];
const SIGNERS = ['Chủ tịch', 'Phó Chủ tịch', 'Chánh Văn phòng', null] as const;

// ---------- database rows ----------

/** articles (id, slug, title, summary, body, kind, origin_id, source_id, source_url, published_at, created_at, updated_at, views) */
type ArticleRow = [number, string, string, string, string, ArticleKind, string, number, string | null, string, string, string, number];

interface Chunk {
  /** Its place in the load: chunk n holds the load's articles n × CHUNK_ARTICLES onwards. */
  index: number;
  /** The generator's state once the chunk is made: where the next chunk starts. */
  stateAfter: string;
  firstId: number;
  lastId: number;
  articles: ArticleRow[];
  publications: PublicationRow[];
  articleTopics: TopicFilingRow[];
  documents: { articleId: number; document: DocumentDraft }[];
}

interface SourceRecord {
  id: number;
  name: string;
  url: string | null;
}

/** The unit tree, read once from `units`; every list is in code order, as the reference sorts them. */
interface UnitTree {
  provinces: string[];
  districts: string[];
  communes: string[];
  level: Map<string, UnitLevel>;
  fullName: Map<string, string>;
  provinceOf: Map<string, string>;
  /** A commune's district; absent for a commune directly under its province (the 2025 map). */
  districtOf: Map<string, string>;
  districtsOfProvince: Map<string, string[]>;
  communesOfProvince: Map<string, string[]>;
  communesOfDistrict: Map<string, string[]>;
  /** Province code → short name ('Ninh Bình'), to find a province's own sources. */
  provinceName: Map<string, string>;
  /** Each unit's first successor on the new map, for articles dated on it. */
  successor: Map<string, string>;
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

async function loadUnitTree(ds: DataSource): Promise<UnitTree> {
  const rows: Array<{ code: string; level: UnitLevel; name: string; fullName: string; parentCode: string | null; provinceCode: string }> =
    await ds.query(
      // The draws pick units of the map in force until 2025-06-30 (their ids are their codes); an
      // article dated on the new map goes to the drawn unit's successor.
      `SELECT id AS code, level, name, full_name AS fullName, parent_id AS parentCode, province_id AS provinceCode FROM units
       WHERE (valid_from IS NULL OR valid_from <= '${OLD_MAP_UNTIL}') AND (valid_to IS NULL OR valid_to >= '${OLD_MAP_UNTIL}') ORDER BY id`,
    );
  const tree: UnitTree = {
    provinces: [], districts: [], communes: [],
    level: new Map(), fullName: new Map(), provinceOf: new Map(), districtOf: new Map(),
    districtsOfProvince: new Map(), communesOfProvince: new Map(), communesOfDistrict: new Map(), provinceName: new Map(),
    successor: new Map(),
  };
  for (const u of rows) {
    tree.level.set(u.code, u.level);
    tree.fullName.set(u.code, u.fullName);
    tree.provinceOf.set(u.code, u.provinceCode);
  }
  for (const u of rows) {
    if (u.level === 'PROVINCE') {
      tree.provinces.push(u.code);
      tree.provinceName.set(u.code, u.name);
    } else if (u.level === 'DISTRICT') {
      tree.districts.push(u.code);
      pushTo(tree.districtsOfProvince, u.provinceCode, u.code);
    } else {
      tree.communes.push(u.code);
      pushTo(tree.communesOfProvince, u.provinceCode, u.code);
      if (u.parentCode !== null && tree.level.get(u.parentCode) === 'DISTRICT') {
        tree.districtOf.set(u.code, u.parentCode);
        pushTo(tree.communesOfDistrict, u.parentCode, u.code);
      }
    }
  }
  const successions: Array<{ fromId: string; toId: string; fullName: string }> = await ds.query(
    'SELECT s.from_id AS fromId, s.to_id AS toId, u.full_name AS fullName FROM unit_successions s JOIN units u ON u.id = s.to_id WHERE u.valid_from = ? ORDER BY s.from_id, s.to_id',
    [NEW_MAP_FROM],
  );
  for (const s of successions) {
    if (tree.successor.has(s.fromId) || !tree.level.has(s.fromId)) continue;
    tree.successor.set(s.fromId, s.toId);
    tree.fullName.set(s.toId, s.fullName);
  }
  const withoutSuccessor = [...tree.level.keys()].filter((id) => !tree.successor.has(id));
  if (withoutSuccessor.length > 0) throw new Error(`seedBulkArticles: units without a successor on the new map: ${withoutSuccessor.slice(0, 5).join(', ')}`);
  if (tree.provinces.length === 0 || tree.communes.length === 0) {
    throw new Error('seedBulkArticles: the units table has no provinces or no communes; seed the units first');
  }
  return tree;
}

// ---------- sources and topics ----------

/** The reference's i-th source name: national outlets, then four kinds of outlet per province. */
function referenceSourceName(i: number, tree: UnitTree): string {
  if (i < NATIONAL_SOURCES.length) return NATIONAL_SOURCES[i];
  const province = tree.provinces[(i - NATIONAL_SOURCES.length) % tree.provinces.length];
  const name = tree.provinceName.get(province)!;
  const kind = Math.floor((i - NATIONAL_SOURCES.length) / tree.provinces.length);
  const outlet = [`Báo ${name}`, `Đài Phát thanh - Truyền hình ${name}`, `Cổng TTĐT ${tree.fullName.get(province)!}`, `Tạp chí ${name}`][kind % 4];
  return kind >= 4 ? `${outlet} ${kind}` : outlet;
}

/** Tops `sources` up to SOURCE_TOTAL rows, skipping names already there, and returns them all in id order. */
async function ensureSources(ds: DataSource, tree: UnitTree): Promise<SourceRecord[]> {
  const existing: SourceRecord[] = await ds.query('SELECT id, name, url FROM sources ORDER BY id');
  // Compared folded: sources.name is unique under utf8mb4_unicode_ci, which ignores case and
  // accents, so 'Báo Nhân dân' already present must stop us adding 'Báo Nhân Dân'.
  const taken = new Set(existing.map((s) => foldVietnamese(s.name)));
  const rows: Array<[string, string, string]> = [];
  for (let i = 0; existing.length + rows.length < SOURCE_TOTAL; i++) {
    const name = referenceSourceName(i, tree);
    if (taken.has(foldVietnamese(name))) continue;
    taken.add(foldVietnamese(name));
    rows.push([name, `https://${slugify(name)}.example.vn`, SOURCE_CREATED_AT]);
  }
  if (rows.length > 0) {
    await ds.query('INSERT INTO sources (name, url, created_at) VALUES ?', [rows]);
    await growDataBounds(ds.manager, { sources: rows.length });
  }
  return ds.query('SELECT id, name, url FROM sources ORDER BY id');
}

/** Creates the missing topics (matched by slug, which is unique) and returns topic name → id. */
async function ensureTopics(ds: DataSource): Promise<Map<string, number>> {
  const wanted = TOPIC_NAMES.map((name) => ({ name, slug: slugify(name) }));
  const existing: Array<{ slug: string }> = await ds.query('SELECT slug FROM topics WHERE slug IN (?)', [wanted.map((t) => t.slug)]);
  const present = new Set(existing.map((t) => t.slug));
  const missing = wanted.filter((t) => !present.has(t.slug)).map((t): [string, string] => [t.name, t.slug]);
  if (missing.length > 0) await ds.query('INSERT INTO topics (name, slug) VALUES ?', [missing]);
  const rows: Array<{ id: number; slug: string }> = await ds.query('SELECT id, slug FROM topics WHERE slug IN (?)', [wanted.map((t) => t.slug)]);
  const idBySlug = new Map(rows.map((r) => [r.slug, Number(r.id)]));
  return new Map(wanted.map((t) => [t.name, idBySlug.get(t.slug)!]));
}

// ---------- generation ----------

function sqlDateTime(ts: number): string {
  return new Date(ts * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Stand-ins for the origin's name in a title and in a sentence, replaced once the origin is placed. */
const NAME_IN_TITLE = '\u0000';
const NAME_IN_SENTENCE = '\u0001';

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Makes articles one at a time. `main` makes the reference's draws in the reference's order (see
 * the file comment); `extra` makes everything else.
 */
class ArticleGenerator {
  private readonly main: Draws;
  private readonly extra: Draws;
  private readonly phrase: () => string;
  private readonly originLevel: () => UnitLevel;
  private readonly targetCount: () => number;
  private readonly kind: () => ArticleKind;
  private readonly extraTopicCount: () => number;
  private readonly extraTopic: () => string;
  /** A third stream for legal documents' particulars, so the draws of the other two stay as they were. */
  private readonly documents: Draws;
  private readonly documentType: () => readonly [string, string];
  /** Sources whose name contains the province's name, by province code (only non-empty lists). */
  private readonly localSources = new Map<string, SourceRecord[]>();

  constructor(
    seed: number,
    /** The span's last second (UTC). */
    private readonly endTs: number,
    /** How long the span is: articles are dated in (endTs - spanSeconds, endTs]. */
    private readonly spanSeconds: number,
    private readonly tree: UnitTree,
    private readonly sources: readonly SourceRecord[],
    private readonly topicIds: ReadonlyMap<string, number>,
    /** Slugs already taken that could look like ours (see takenSlugs). */
    private readonly takenSlugs: ReadonlySet<string>,
  ) {
    this.main = new Draws(mulberry32(seed));
    // Any fixed derivation will do; xor keeps the two streams apart for every seed.
    this.extra = new Draws(mulberry32(seed ^ 0x2545f491));
    this.phrase = this.main.weighted(PHRASE_WEIGHTS);
    const levels: Array<readonly [UnitLevel, number]> = [['COMMUNE', 50], ['DISTRICT', 30], ['PROVINCE', 20]];
    // With the 2025 map there are no districts: leave the level out rather than pick from nothing.
    this.originLevel = this.main.weighted(levels.filter(([level]) => this.unitsOfLevel(level).length > 0));
    this.targetCount = this.main.weighted([[0, 30], [1, 25], [2, 20], [3, 15], [4, 10]]);
    this.kind = this.extra.weighted([[ArticleKind.NEWS, 80], [ArticleKind.ANNOUNCEMENT, 12], [ArticleKind.LEGAL_DOCUMENT, 8]]);
    this.extraTopicCount = this.extra.weighted([[0, 35], [1, 40], [2, 25]]);
    this.extraTopic = this.extra.weighted(EXTRA_TOPIC_WEIGHTS);
    this.documents = new Draws(mulberry32(seed ^ 0x5bd1e995));
    this.documentType = this.documents.weighted(DOCUMENT_TYPES);
    for (const province of tree.provinces) {
      const name = tree.provinceName.get(province)!;
      const local = sources.filter((s) => s.name.includes(name));
      if (local.length > 0) this.localSources.set(province, local);
    }
  }

  /** Where the three streams stand: after a chunk, what generating the next one starts from. */
  get state(): string {
    return [this.main.state, this.extra.state, this.documents.state].join(' ');
  }

  resume(state: string): void {
    const [main, extra, documents] = state.split(' ').map(Number);
    this.main.resume(main);
    this.extra.resume(extra);
    this.documents.resume(documents);
  }

  private unitsOfLevel(level: UnitLevel): string[] {
    return level === 'PROVINCE' ? this.tree.provinces : level === 'DISTRICT' ? this.tree.districts : this.tree.communes;
  }

  /** A sentence about the unit NAME_IN_SENTENCE stands for (its name is known once the date is drawn). */
  private sentence(): string {
    const subject = this.main.pick(SUBJECTS);
    const verb = this.main.pick(VERBS);
    const phrase1 = this.phrase();
    const filler = this.main.pick(FILLERS);
    const phrase2 = this.phrase();
    const goal = this.main.pick(GOALS);
    return `${subject} ${NAME_IN_SENTENCE} ${lowerFirst(verb)} ${phrase1} ${filler}, ${phrase2} nhằm ${goal}.`;
  }

  /**
   * Where the reference syndicates an article: mostly the origin's own ancestors and neighbours.
   * The guards only matter for a map without districts; with the map in force until 2025-06-30 they draw nothing extra.
   */
  private syndicationTarget(level: UnitLevel, code: string): string {
    const x = this.main.next();
    const { tree } = this;
    const province = tree.provinceOf.get(code)!;
    const provinceDistricts = tree.districtsOfProvince.get(province) ?? [];
    const provinceCommunes = tree.communesOfProvince.get(province) ?? [];
    if (level === 'COMMUNE') {
      const district = tree.districtOf.get(code);
      if (x < 0.3) return district ?? province;
      if (x < 0.45) return province;
      if (x < 0.85) return this.main.pick(district ? tree.communesOfDistrict.get(district)! : provinceCommunes);
      if (x < 0.95) return this.main.pick(provinceCommunes);
      return this.main.pick(tree.communes);
    }
    if (level === 'DISTRICT') {
      const own = tree.communesOfDistrict.get(code) ?? [];
      if (x < 0.35) return province;
      if (x < 0.6) return this.main.pick(provinceDistricts);
      if (x < 0.95 && own.length > 0) return this.main.pick(own);
      return this.main.pick(tree.districts);
    }
    if (x < 0.6 && provinceDistricts.length > 0) return this.main.pick(provinceDistricts);
    if (x < 0.8 && provinceCommunes.length > 0) return this.main.pick(provinceCommunes);
    return this.main.pick(tree.provinces);
  }

  private slugFor(title: string, id: number): string {
    const base = slugify(title).slice(0, 180);
    let slug = `${base}-${id}`;
    for (let n = 2; this.takenSlugs.has(slug); n++) slug = `${base}-${id}-${n}`;
    return slug;
  }

  /** Adds article `id` and its publications and topics to the chunk. */
  addTo(chunk: Chunk, id: number): void {
    const { main, extra, tree } = this;

    // --- the reference's draws, in its order ---
    const level = this.originLevel();
    const drawnOrigin = main.pick(this.unitsOfLevel(level));
    const leadPhrase = this.phrase();
    let title = `${main.pick(VERBS)} ${leadPhrase}`;
    if (main.next() < 0.5) {
      const second = this.phrase();
      if (second !== leadPhrase) title += ` và ${second}`;
    }
    title += ` tại ${NAME_IN_TITLE}`;
    let summary = `${this.sentence()} ${this.sentence()}`;
    const sentenceCount = 4 + main.int(6);
    let sentences: string[] = [];
    for (let i = 0; i < sentenceCount; i++) sentences.push(this.sentence());
    const publishedTs = this.endTs - main.int(this.spanSeconds);
    const local = this.localSources.get(tree.provinceOf.get(drawnOrigin)!);
    const source = local !== undefined && main.next() < 0.7 ? main.pick(local) : main.pick(this.sources);
    const publishedAt = sqlDateTime(publishedTs);
    const onNewMap = vietnamDayNumber(publishedTs * 1000) >= NEW_MAP_DAY;
    const placed = (unit: string): string => (onNewMap ? tree.successor.get(unit)! : unit);
    const origin = placed(drawnOrigin);
    chunk.publications.push(originPublication(id, origin, publishedAt));
    // Draws go by the drawn units, as in the reference; two of them may have one successor.
    const drawn = new Set<string>([drawnOrigin]);
    const shownOn = new Set<string>([origin]);
    const targets = this.targetCount();
    for (let j = 0; j < targets; j++) {
      const target = this.syndicationTarget(level, drawnOrigin);
      if (drawn.has(target)) continue; // the primary key is (article_id, unit_id)
      drawn.add(target);
      const copyTs = Math.min(this.endTs, publishedTs + main.int(SYNDICATION_DELAY_SECONDS), onNewMap ? Infinity : OLD_MAP_LAST_TS);
      const unit = placed(target);
      if (shownOn.has(unit)) continue;
      shownOn.add(unit);
      chunk.publications.push(syndicatedPublication(id, unit, sqlDateTime(copyTs), publishedAt));
    }
    const unitName = tree.fullName.get(origin)!;
    title = title.replace(NAME_IN_TITLE, unitName);
    summary = summary.replaceAll(NAME_IN_SENTENCE, lowerFirst(unitName));
    sentences = sentences.map((sentence) => sentence.replace(NAME_IN_SENTENCE, lowerFirst(unitName)));

    // --- what the reference does not have ---
    const kind = this.kind();
    const topics = new Set<string>([TOPIC_OF_PHRASE.get(leadPhrase)!]);
    for (let n = this.extraTopicCount(); n > 0; n--) topics.add(this.extraTopic());
    for (const topic of topics) chunk.articleTopics.push(topicFiling(id, this.topicIds.get(topic)!, publishedAt));
    // The reference's body is the sentences in a row; here they are grouped into paragraphs of 2-3.
    const paragraphs: string[] = [];
    for (let i = 0; i < sentences.length; ) {
      const take = sentences.length - i <= 3 ? sentences.length - i : 2 + extra.int(2);
      paragraphs.push(`<p>${escapeHtml(sentences.slice(i, i + take).join(' '))}</p>`);
      i += take;
    }
    // Skewed like real traffic: most articles are read a little, a few a lot.
    const views = Math.floor(extra.next() ** 4 * 50000);

    const slug = this.slugFor(title, id);
    const sourceUrl = source.url === null ? null : `${source.url.replace(/\/+$/, '')}/bai-viet/${id}`;
    chunk.articles.push([id, slug, title, summary, paragraphs.join('\n'), kind, origin, source.id, sourceUrl, publishedAt, publishedAt, publishedAt, views]);
    if (kind === ArticleKind.LEGAL_DOCUMENT) chunk.documents.push({ articleId: id, document: this.documentOf(id, unitName, publishedTs, source) });
  }

  /**
   * Particulars as a unit's People's Committee writes them: the article id as the number (unique for
   * every issuer, however many runs add articles), issued up to 3 days before it was published.
   */
  private documentOf(id: number, unitName: string, publishedTs: number, source: SourceRecord): DocumentDraft {
    const { documents: d } = this;
    const [documentType, abbreviation] = this.documentType();
    const issuedTs = publishedTs - d.int(4) * 86400;
    const signer = d.pick(SIGNERS);
    return legalDocument({
      number: abbreviation ? `${id}/${abbreviation}-UBND` : `${id}/UBND-VP`,
      documentType,
      issuer: `UBND ${lowerFirst(unitName)}`,
      issuedOn: vietnamDay(issuedTs * 1000),
      effectiveOn: documentType === 'Quyết định' ? vietnamDay((issuedTs + d.int(2) * 10 * 86400) * 1000) : null,
      signer: signer && `${signer} UBND`,
      fileUrl: source.url === null || d.next() < 0.3 ? null : `${source.url.replace(/\/+$/, '')}/van-ban/${id}.pdf`,
    });
  }
}

// ---------- writing ----------

/**
 * Slugs of articles before the load that a generated one could equal. Ours all end in '-<id>' with
 * id ≥ firstId, so only a slug whose last '-' segment is such a number can collide; normally there
 * are none. (The load's own articles, already there when it resumes, are not in the way: they are
 * not written again.)
 */
async function loadTakenSlugs(ds: DataSource, firstId: number): Promise<Set<string>> {
  const rows: Array<{ slug: string }> = await ds.query(
    `SELECT slug FROM articles WHERE id < ? AND slug REGEXP '-[0-9]+$' AND CAST(SUBSTRING_INDEX(slug, '-', -1) AS UNSIGNED) >= ?`,
    [firstId, firstId],
  );
  return new Set(rows.map((r) => r.slug));
}

/** A dedicated connection for bulk writes, with its session settings saved for restore. */
interface Writer {
  runner: QueryRunner;
  restore: { foreignKeyChecks: number; uniqueChecks: number };
}

async function openWriter(ds: DataSource): Promise<Writer> {
  const runner = ds.createQueryRunner('master');
  await runner.connect();
  try {
    const [saved]: Array<{ fk: number | string; uc: number | string }> = await runner.query(
      'SELECT @@SESSION.foreign_key_checks AS fk, @@SESSION.unique_checks AS uc',
    );
    // Safe for this session only: every generated reference (unit codes, source and topic ids) was
    // read from the database, and ids and (article, unit) pairs are unique by construction.
    await runner.query('SET SESSION foreign_key_checks = 0, unique_checks = 0');
    return { runner, restore: { foreignKeyChecks: Number(saved.fk), uniqueChecks: Number(saved.uc) } };
  } catch (e) {
    await runner.release();
    throw e;
  }
}

async function closeWriter(writer: Writer): Promise<void> {
  try {
    // The connection goes back to the pool: it must not keep the bulk settings.
    await writer.runner.query('SET SESSION foreign_key_checks = ?, unique_checks = ?', [
      writer.restore.foreignKeyChecks,
      writer.restore.uniqueChecks,
    ]);
  } finally {
    await writer.runner.release();
  }
}

function writeChunk(runner: QueryRunner, run: SeedRun, chunk: Chunk, fold: (text: string) => string): Promise<void> {
  // READ COMMITTED: the INSERT ... SELECT that fills the derived feeds then reads publications without
  // next-key locks, so the two writers' adjacent id ranges never wait on (or deadlock with) each other.
  return transactionOn(
    runner,
    async (m) => {
      await m.query(
        'INSERT INTO articles (id, slug, title, summary, body, kind, origin_id, source_id, source_url, published_at, created_at, updated_at, views) VALUES ?',
        [chunk.articles],
      );
      await countNewArticles(m, chunk.articles.map((r) => r[7]));
      await insertPublications(m, chunk.publications);
      await insertTopicFilings(m, chunk.articleTopics);
      await insertLegalDocuments(m, chunk.documents);
      // ArticleRow is [id, slug, title, summary, body, …] (see addTo).
      const texts = chunk.articles.map((r) => ({ id: r[0], title: r[2], summary: r[3], body: r[4] }));
      await completePublishingRange(m, chunk.firstId, chunk.lastId, texts, fold);
      await recordSeedChunk(m, run, 'articles', chunk.index, chunk.stateAfter);
    },
    { isolation: 'READ COMMITTED' },
  );
}

/**
 * Adds `opts.articles` generated articles after the existing ones, with their publications (origin
 * plus 0-4 syndicated copies), topics, derived feed rows, search documents and legal documents; tops
 * sources up to 100 and creates the bulk topics first. Needs the units loaded. Deterministic for a
 * given seed, count, span and starting data. Interrupted, it is run again with the same options and
 * finishes the same rows (seeds/seedRuns.ts).
 */
export async function seedBulkArticles(dataSource: DataSource, opts: BulkOptions): Promise<BulkResult> {
  const started = process.hrtime.bigint();
  const total = opts.articles;
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`articles must be a whole number ≥ 0, got ${total}`);
  const seed = opts.seed ?? 42;
  const end = opts.end ?? DEFAULT_ARTICLES_END;
  const endDay = parseDay(end);
  if (endDay === null) throw new RangeError(`end must be a day as YYYY-MM-DD, got ${opts.end}`);
  const days = opts.days ?? DEFAULT_ARTICLES_DAYS;
  if (!Number.isSafeInteger(days) || days < 1 || days > 36600) throw new RangeError(`days must be a whole number from 1 to 36600, got ${days}`);
  const endTs = endDay * 86400 + 86399;
  if (total === 0) return { articles: 0, publications: 0, seconds: 0 };
  return inSeedRun(dataSource, opts.run, `--articles ${total} --articles-days ${days} --articles-end ${end} --seed ${seed}`, (run) =>
    loadArticles(dataSource, run, { total, seed, endTs, days, onProgress: opts.onProgress, started }),
  );
}

async function loadArticles(
  dataSource: DataSource,
  run: SeedRun,
  { total, seed, endTs, days, onProgress, started }: { total: number; seed: number; endTs: number; days: number; onProgress: BulkOptions['onProgress']; started: bigint },
): Promise<BulkResult> {
  const tree = await loadUnitTree(dataSource);
  const sources = await ensureSources(dataSource, tree);
  const topicIds = await ensureTopics(dataSource);
  const firstId = run.firstArticleId;
  const committedBefore = committedChunks(run, 'articles');
  const generator = new ArticleGenerator(seed, endTs, days * 86400, tree, sources, topicIds, await loadTakenSlugs(dataSource, firstId));
  const fold = memoizedFold();

  const writers: Writer[] = [];
  let publications = 0;
  let done = 0;
  let failure: unknown = null;
  const inFlight: Array<Promise<void> | null> = new Array<Promise<void> | null>(WRITERS).fill(null);
  try {
    for (let w = 0; w < WRITERS; w++) writers.push(await openWriter(dataSource));
    for (let c = 0; c * CHUNK_ARTICLES < total && failure === null; c++) {
      const chunkFirst = firstId + c * CHUNK_ARTICLES;
      const chunkLast = Math.min(chunkFirst + CHUNK_ARTICLES, firstId + total) - 1;
      const committed = committedBefore.get(c);
      if (committed !== undefined) {
        // Written by an interrupted run: go on from where it left the generator.
        generator.resume(committed);
        done += chunkLast - chunkFirst + 1;
        continue;
      }
      const chunk: Chunk = { index: c, stateAfter: '', firstId: chunkFirst, lastId: chunkLast, articles: [], publications: [], articleTopics: [], documents: [] };
      for (let id = chunk.firstId; id <= chunk.lastId; id++) generator.addTo(chunk, id);
      chunk.stateAfter = generator.state;

      // Chunk c goes to writer c % WRITERS once that writer's previous chunk has committed, so the
      // next chunk is generated while up to WRITERS chunks are being written.
      const slot = c % WRITERS;
      await inFlight[slot];
      if (failure !== null) break;
      // The catch is attached at once: a rejection must not go unhandled while we generate.
      inFlight[slot] = writeChunk(writers[slot].runner, run, chunk, fold).then(
        () => {
          publications += chunk.publications.length;
          done += chunk.articles.length;
          onProgress?.(done, total);
        },
        (e: unknown) => {
          failure ??= e;
        },
      );
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.all(inFlight); // never release a connection mid-statement
    for (const writer of writers) await closeWriter(writer);
  }
  if (failure !== null) throw failure;

  // Fresh statistics, so the first queries after a load plan on the new table sizes.
  await dataSource.query('ANALYZE TABLE articles, publications, article_topics, subtree_feed, history_feed');
  return { articles: done, publications, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
