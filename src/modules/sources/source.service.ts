import { DataSource, In } from 'typeorm';
import { badUserInput } from '../../common/errors';
import { wholeSeconds } from '../../db/datetime';
import { growDataBounds } from '../../plugins/dataBounds';
import { plainText, sourceUrl } from '../articles/articleInput';
import { Source } from './source.entity';
import { ContentChanges } from '../../cache/contentChanges';
import { SOURCE_LIST, sourceTag } from '../../cache/contentTags';
import { contentChanged } from '../articles/articleChanges';

/** Column sizes of `sources`, in characters as stored. */
const SOURCE_LIMITS = { name: 200, url: 500 };

export class SourceService {
  constructor(
    private readonly db: DataSource,
    private readonly changes: ContentChanges,
  ) {}

  async byIds(ids: readonly number[]): Promise<Map<number, Source>> {
    const sources = await this.db.getRepository(Source).findBy({ id: In([...ids]) });
    return new Map(sources.map((s) => [s.id, s]));
  }

  async all(): Promise<Source[]> {
    return this.db.getRepository(Source).find({ order: { name: 'ASC', id: 'ASC' } });
  }

  async create(input: { name: string; url?: string | null }, now: Date): Promise<Source> {
    const name = plainText(input.name, 'input.name', SOURCE_LIMITS.name, { required: true });
    const url = sourceUrl(input.url, 'input.url', SOURCE_LIMITS.url);
    // The unique index compares in utf8mb4_unicode_ci: 'Báo Ninh Bình' and 'bao ninh binh' are one name.
    const existing = await this.db.query('SELECT id FROM sources WHERE name = ?', [name]);
    if (existing.length > 0) throw badUserInput(`input.name: source ${existing[0].id} already has this name`, 'input.name');
    const result = await this.db.query('INSERT INTO sources (name, url, created_at) VALUES (?, ?, ?)', [name, url, wholeSeconds(now)]).catch((error) => {
      // Someone created the same name since the check above.
      if (error?.driverError?.code === 'ER_DUP_ENTRY') throw badUserInput('input.name: a source already has this name', 'input.name');
      throw error;
    });
    await growDataBounds(this.db.manager, { sources: 1 });
    // A read of this id before it was there answered null, and the list lacked it.
    await contentChanged(this.db.manager, this.changes, [sourceTag(Number(result.insertId)), SOURCE_LIST]);
    return (await this.byIds([Number(result.insertId)])).get(Number(result.insertId))!;
  }
}
