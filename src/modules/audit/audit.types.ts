import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { NEVER_CACHED } from '../../cache/cacheHints';
import { DateTimeScalar } from '../../common/scalars';

export enum AuditOutcomeEnum {
  applied = 'applied',
  refused = 'refused',
  failed = 'failed',
  rolledBack = 'rolledBack',
}
registerEnumType(AuditOutcomeEnum, {
  name: 'AuditOutcome',
  description: 'How a mutation ended.',
  valuesConfig: {
    applied: { description: 'It ran (a dry run included).' },
    refused: { description: 'Refused: no or bad key, not allowed, bad input, or nothing to change.' },
    failed: { description: 'An internal error; the log has the cause under the request id.' },
    rolledBack: { description: 'It ran, but another mutation of its request was refused or failed: a request\'s writes are applied together or not at all, so nothing of it was applied. The detail names the one that failed.' },
  },
});

@Directive(NEVER_CACHED)
@ObjectType({ description: 'One mutation call, as the audit trail keeps it.' })
export class AuditEntry {
  @Field(() => ID, { description: 'Entries are numbered in the order they were written.' })
  id: number;

  @Field(() => DateTimeScalar, { description: 'When the call was made.' })
  at: Date;

  @Field(() => ID, { nullable: true, description: 'The API key that made it. Null only on entries from before calls without a valid key were logged instead of audited.' })
  keyId: number | null;

  @Field(() => String, { description: 'The request id (also in the x-request-id response header and the log).' })
  requestId: string;

  @Field(() => String, { description: "The mutation's name, e.g. syndicate." })
  operation: string;

  @Field(() => String, { description: 'The arguments as JSON, long text and long lists shortened.' })
  arguments: string;

  @Field(() => AuditOutcomeEnum, { description: 'How it ended.' })
  outcome: AuditOutcomeEnum;

  @Field(() => String, { nullable: true, description: 'The error code, when refused or failed.' })
  errorCode: string | null;

  @Field(() => String, { nullable: true, description: 'What changed, or why it was refused.' })
  detail: string | null;
}
