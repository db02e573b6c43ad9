import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { CONTENT_MAX_AGE, cacheFor } from '../../cache/cacheHints';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { DateTimeScalar } from '../../common/scalars';

export enum ArticleKind {
  NEWS = 'NEWS',
  ANNOUNCEMENT = 'ANNOUNCEMENT',
  LEGAL_DOCUMENT = 'LEGAL_DOCUMENT',
}
registerEnumType(ArticleKind, {
  name: 'ArticleKind',
  description: "What a portal files the article under.",
  valuesConfig: {
    NEWS: { description: "News ('Tin tức')." },
    ANNOUNCEMENT: { description: "Announcements ('Thông báo'): schedules, notices, recruitment." },
    LEGAL_DOCUMENT: { description: "Legal and administrative documents ('Văn bản'): decisions, plans, directives." },
  },
});

@Entity({ name: 'articles' })
@Directive('@key(fields: "id")')
@Directive(cacheFor(CONTENT_MAX_AGE))
@ObjectType({ description: 'A news item, announcement or legal document, written by one unit and shown on many portals.' })
export class Article {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  @Field(() => ID, { description: 'Stable numeric id, as a string.' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  @Field(() => String, { description: "ASCII, unique, stable: 'hoi-nghi-truc-tuyen-toan-quoc-trien-khai-nhiem-vu-cai-cach-hanh-chinh'." })
  slug: string;

  @Column({ type: 'varchar', length: 300 })
  @Field(() => String, { description: 'Plain text.' })
  title: string;

  @Column({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'A sentence or two in plain text, for lists and previews.' })
  summary: string | null;

  /** Not read for lists (feeds, related): undefined there until ArticleResolver.body loads it. */
  @Column({ type: 'mediumtext' })
  @Field(() => String, { description: 'Sanitized HTML: safe to render on any portal.' })
  body: string;

  @Column({ type: 'enum', enum: ArticleKind, default: ArticleKind.NEWS })
  @Field(() => ArticleKind, { description: 'News, announcement or legal document.' })
  kind: ArticleKind;

  @Column({ name: 'origin_id', type: 'varchar', length: 20 })
  originId: string;

  @Column({ name: 'source_id', type: 'int', unsigned: true, nullable: true })
  sourceId: number | null;

  @Column({ name: 'source_url', type: 'varchar', length: 1000, nullable: true })
  @Field(() => String, { nullable: true, description: 'Where the article stands at its source, when it was taken from one.' })
  sourceUrl: string | null;

  @Column({ name: 'published_at', type: 'datetime' })
  @Field(() => DateTimeScalar, { description: 'When the origin published it; feeds are ordered by it. Future articles stay hidden until then.' })
  publishedAt: Date;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  @Field(() => DateTimeScalar, { description: 'Last change to the article itself (not to where it is shown).' })
  updatedAt: Date;

  @Column({ type: 'bigint', unsigned: true, default: 0 })
  views: number;
}
