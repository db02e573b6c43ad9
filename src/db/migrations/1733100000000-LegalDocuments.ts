import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * legal_documents: the particulars of LEGAL_DOCUMENT articles (legalDocument.entity.ts). A number is
 * unique per issuer once both are folded (case, spaces, diacritics), and looked up by its folded
 * form alone: both through indexes. Articles of kind LEGAL_DOCUMENT written before this migration
 * have no particulars (`document: null`) until an editor gives them.
 */
export class LegalDocuments1733100000000 implements MigrationInterface {
  name = 'LegalDocuments1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legal_documents (
        article_id    INT UNSIGNED NOT NULL,
        number        VARCHAR(50) NOT NULL,
        number_key    VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        document_type VARCHAR(100) NOT NULL,
        issuer        VARCHAR(200) NOT NULL,
        issuer_key    VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        issued_on     DATE NOT NULL,
        effective_on  DATE NULL,
        signer        VARCHAR(100) NULL,
        file_url      VARCHAR(1000) NULL,
        PRIMARY KEY (article_id),
        UNIQUE KEY ux_legal_documents_issuer_number (issuer_key, number_key),
        KEY ix_legal_documents_number (number_key),
        KEY ix_legal_documents_issued_on (issued_on),
        CONSTRAINT fk_legal_documents_article FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE legal_documents');
  }
}
