import { InitialSchema1732600000000 } from './1732600000000-InitialSchema';

/** Every migration, oldest first. Listed rather than globbed so ts-jest and the compiled build agree. */
export const migrations = [InitialSchema1732600000000];
