import { EntityManager } from 'typeorm';
import { DocumentDraft } from './articleInput';

/**
 * Writes legal documents' particulars (validated by articleInput.ts's legalDocument): the writer
 * for one article, the seeds for many. The uniqueness rule is ArticleWriter's to explain; here the
 * unique index only enforces it.
 */
export async function insertLegalDocuments(db: EntityManager, documents: { articleId: number; document: DocumentDraft }[]): Promise<void> {
  if (documents.length === 0) return;
  await db.query(
    'INSERT INTO legal_documents (article_id, number, number_key, document_type, issuer, issuer_key, issued_on, effective_on, signer, file_url) VALUES ?',
    [documents.map(({ articleId, document: d }) => [articleId, d.number, d.numberKey, d.documentType, d.issuer, d.issuerKey, d.issuedOn, d.effectiveOn, d.signer, d.fileUrl])],
  );
}
