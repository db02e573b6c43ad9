import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * audit_log.outcome `rolledBack`: a mutation that ran, undone because another write of its request
 * was refused or failed (a request's writes share one transaction: plugins/requestTransaction.ts).
 * A value added at the end of an ENUM changes only the table's definition, not its rows.
 */
export class AuditRolledBack1733300000000 implements MigrationInterface {
  name = 'AuditRolledBack1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE audit_log MODIFY outcome ENUM('applied','refused','failed','rolledBack') NOT NULL");
  }

  async down(q: QueryRunner): Promise<void> {
    // Nothing of those was applied, as with a refusal.
    await q.query("UPDATE audit_log SET outcome = 'refused' WHERE outcome = 'rolledBack'");
    await q.query("ALTER TABLE audit_log MODIFY outcome ENUM('applied','refused','failed') NOT NULL");
  }
}
