import { Field, ID, InputType } from 'type-graphql';
import { DateScalar, DateTimeScalar } from '../../common/scalars';
import { ArticleKind } from './article.entity';

@InputType({ description: "A legal document's particulars: required with kind LEGAL_DOCUMENT, refused with any other kind." })
export class LegalDocumentInput {
  @Field(() => String, { description: "Số / ký hiệu, e.g. '123/QĐ-UBND': letters (with their diacritics) and digits joined by / or -, at most 50 characters; spaces around / and - are dropped. Unique per issuer, whatever its case, spaces and diacritics." })
  number: string;

  @Field(() => String, { description: "Loại văn bản, e.g. 'Quyết định': plain text, at most 100 characters." })
  documentType: string;

  @Field(() => String, { description: "Cơ quan ban hành, e.g. 'UBND huyện Kim Sơn': plain text, at most 200 characters." })
  issuer: string;

  @Field(() => DateScalar, { description: 'Ngày ban hành.' })
  issuedOn: string;

  @Field(() => DateScalar, { nullable: true, description: 'Ngày hiệu lực.' })
  effectiveOn?: string | null;

  @Field(() => String, { nullable: true, description: 'Người ký: plain text, at most 100 characters.' })
  signer?: string | null;

  @Field(() => String, { nullable: true, description: 'Where the signed file stands: an http(s) URL.' })
  fileUrl?: string | null;
}

@InputType({ description: 'A new article, written by the unit named in originCode.' })
export class CreateArticleInput {
  @Field(() => ID, { description: 'Code of the unit that writes it: the origin.' })
  originCode: string;

  @Field(() => String, { description: 'Plain text, 1 to 300 characters; markup is refused.' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Plain text, at most 1,000 characters.' })
  summary?: string | null;

  @Field(() => String, { description: 'HTML, sanitized on the way in: paragraphs, headings, lists, links, images with captions and tables are kept; scripts, styles, frames, event handlers and javascript:/data: URLs are removed.' })
  body: string;

  @Field(() => ArticleKind, { nullable: true, defaultValue: ArticleKind.NEWS, description: 'News, announcement or legal document.' })
  kind?: ArticleKind | null;

  @Field(() => [String], { nullable: true, defaultValue: [], description: 'Topic names, at most 10; new topics are created.' })
  topics?: string[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Defaults to now.' })
  publishedAt?: Date | null;

  @Field(() => ID, { nullable: true, description: 'The source it was taken from.' })
  sourceId?: string | null;

  @Field(() => String, { nullable: true, description: 'Where it stands at the source: an http(s) URL.' })
  sourceUrl?: string | null;

  @Field(() => String, { nullable: true, description: 'Derived from the title when left out: lower-case ASCII words joined by hyphens, unique.' })
  slug?: string | null;

  @Field(() => LegalDocumentInput, { nullable: true, description: 'Required with kind LEGAL_DOCUMENT, refused with any other kind.' })
  document?: LegalDocumentInput | null;
}

@InputType({ description: 'Changes to an article; what is left out stays as it is. The slug never changes.' })
export class UpdateArticleInput {
  @Field(() => String, { nullable: true, description: 'Plain text, 1 to 300 characters.' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'Plain text, at most 1,000 characters.' })
  summary?: string | null;

  @Field(() => String, { nullable: true, description: 'HTML, sanitized as in createArticle.' })
  body?: string | null;

  @Field(() => ArticleKind, { nullable: true, description: 'News, announcement or legal document.' })
  kind?: ArticleKind | null;

  @Field(() => [String], { nullable: true, description: 'Replaces all topics.' })
  topics?: string[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Moves the article in every feed.' })
  publishedAt?: Date | null;

  @Field(() => ID, { nullable: true, description: 'The source it was taken from.' })
  sourceId?: string | null;

  @Field(() => String, { nullable: true, description: 'Where it stands at the source: an http(s) URL.' })
  sourceUrl?: string | null;

  @Field(() => LegalDocumentInput, {
    nullable: true,
    description: "Replaces the particulars. Needed when kind becomes LEGAL_DOCUMENT; refused when the article is (or becomes) of another kind. Changing kind away from LEGAL_DOCUMENT drops them.",
  })
  document?: LegalDocumentInput | null;
}
