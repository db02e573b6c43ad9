import { DataSource, In } from 'typeorm';
import { Source } from './source.entity';

export class SourceService {
  constructor(private readonly db: DataSource) {}

  async byIds(ids: readonly number[]): Promise<Map<number, Source>> {
    const sources = await this.db.getRepository(Source).findBy({ id: In([...ids]) });
    return new Map(sources.map((s) => [s.id, s]));
  }

  async all(): Promise<Source[]> {
    return this.db.getRepository(Source).find({ order: { name: 'ASC', id: 'ASC' } });
  }
}
