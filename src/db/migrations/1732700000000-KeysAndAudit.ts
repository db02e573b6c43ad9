import { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys (stored as hashes only) and the audit trail of every mutation. */
export class KeysAndAudit1732700000000 implements MigrationInterface {
  name = 'KeysAndAudit1732700000000';

  async up(q: QueryRunner): Promise<void> {
    // A key reads "lt_<public id>_<secret>". public_id finds the row without a secret-dependent
    // index lookup; secret_hash (SHA-256 of the secret: the secret has 256 random bits, so a slow
    // password hash adds nothing) is compared in constant time.
    await q.query(`
      CREATE TABLE api_keys (
        id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
        public_id    CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        secret_hash  BINARY(32) NOT NULL,
        role         ENUM('admin','editor') NOT NULL,
        unit_code    VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NULL,
        label        VARCHAR(200) NOT NULL,
        created_at   DATETIME NOT NULL,
        last_used_at DATETIME NULL,
        revoked_at   DATETIME NULL,
        PRIMARY KEY (id),
        UNIQUE KEY ux_api_keys_public_id (public_id),
        CONSTRAINT fk_api_keys_unit FOREIGN KEY (unit_code) REFERENCES units (code)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);

    // Written after each mutation, in its own statement, whether the mutation was applied, refused
    // or failed; never rolled back with it. key_id is NULL for calls without a valid key.
    await q.query(`
      CREATE TABLE audit_log (
        id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        at         DATETIME(3) NOT NULL,
        key_id     INT UNSIGNED NULL,
        request_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        operation  VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        arguments  TEXT NOT NULL,
        outcome    ENUM('applied','refused','failed') NOT NULL,
        error_code VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
        detail     VARCHAR(1000) NULL,
        PRIMARY KEY (id),
        KEY ix_audit_log_key (key_id, id),
        KEY ix_audit_log_operation (operation, id),
        CONSTRAINT fk_audit_log_key FOREIGN KEY (key_id) REFERENCES api_keys (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
    await q.query('DROP TABLE api_keys');
  }
}
