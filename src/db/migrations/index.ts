import { InitialSchema1732600000000 } from './1732600000000-InitialSchema';
import { KeysAndAudit1732700000000 } from './1732700000000-KeysAndAudit';
import { Search1732800000000 } from './1732800000000-Search';
import { Visits1732900000000 } from './1732900000000-Visits';
import { BothMaps1733000000000 } from './1733000000000-BothMaps';
import { LegalDocuments1733100000000 } from './1733100000000-LegalDocuments';
import { DataBounds1733200000000 } from './1733200000000-DataBounds';
import { AuditRolledBack1733300000000 } from './1733300000000-AuditRolledBack';
import { HistoryFeed1733400000000 } from './1733400000000-HistoryFeed';
import { SeedRuns1733500000000 } from './1733500000000-SeedRuns';
import { DataBoundsReadTime1733600000000 } from './1733600000000-DataBoundsReadTime';

/** Every migration, oldest first. Listed rather than globbed so ts-jest and the compiled build agree. */
export const migrations = [InitialSchema1732600000000, KeysAndAudit1732700000000, Search1732800000000, Visits1732900000000, BothMaps1733000000000, LegalDocuments1733100000000, DataBounds1733200000000, AuditRolledBack1733300000000, HistoryFeed1733400000000, SeedRuns1733500000000, DataBoundsReadTime1733600000000];
