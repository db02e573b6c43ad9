import { InitialSchema1732600000000 } from './1732600000000-InitialSchema';
import { KeysAndAudit1732700000000 } from './1732700000000-KeysAndAudit';

/** Every migration, oldest first. Listed rather than globbed so ts-jest and the compiled build agree. */
export const migrations = [InitialSchema1732600000000, KeysAndAudit1732700000000];
