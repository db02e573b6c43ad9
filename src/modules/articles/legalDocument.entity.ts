import { Directive, Field, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CONTENT_MAX_AGE, cacheFor } from '../../cache/cacheHints';
import { DateScalar } from '../../common/scalars';

/**
 * A legal document's particulars ('Văn bản': số / ký hiệu, loại, cơ quan ban hành, ngày ban hành …),
 * one row per LEGAL_DOCUMENT article, in a table of its own so that the articles rows every feed
 * reads stay small. `number_key` and `issuer_key` are the folded forms a number is looked up and
 * kept unique by (articleInput.ts's legalDocument).
 */
@Entity({ name: 'legal_documents' })
@Directive(cacheFor(CONTENT_MAX_AGE))
@ObjectType({ description: "A legal document's particulars, as a portal's 'Văn bản mới' list shows them." })
export class LegalDocument {
  @PrimaryColumn({ name: 'article_id', type: 'int', unsigned: true })
  articleId: number;

  @Column({ type: 'varchar', length: 50 })
  @Field(() => String, { description: "Số / ký hiệu, e.g. '123/QĐ-UBND', as written (spaces around / and - removed)." })
  number: string;

  @Column({ name: 'number_key', type: 'varchar', length: 50 })
  numberKey: string;

  @Column({ name: 'document_type', type: 'varchar', length: 100 })
  @Field(() => String, { description: "Loại văn bản, e.g. 'Quyết định', 'Kế hoạch', 'Thông báo', 'Công văn'." })
  documentType: string;

  @Column({ type: 'varchar', length: 200 })
  @Field(() => String, { description: "Cơ quan ban hành, e.g. 'UBND huyện Kim Sơn'." })
  issuer: string;

  @Column({ name: 'issuer_key', type: 'varchar', length: 200 })
  issuerKey: string;

  @Column({ name: 'issued_on', type: 'date' })
  @Field(() => DateScalar, { description: 'Ngày ban hành.' })
  issuedOn: string;

  @Column({ name: 'effective_on', type: 'date', nullable: true })
  @Field(() => DateScalar, { nullable: true, description: 'Ngày hiệu lực, when it differs or is set.' })
  effectiveOn: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Người ký.' })
  signer: string | null;

  @Column({ name: 'file_url', type: 'varchar', length: 1000, nullable: true })
  @Field(() => String, { nullable: true, description: 'Where the signed file (e.g. a PDF) stands: an http(s) URL.' })
  fileUrl: string | null;
}
