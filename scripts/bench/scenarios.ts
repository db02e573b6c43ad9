import { communeHomeScenario, communeHomeTodayScenario, provinceDashboardScenario, provinceDashboardTodayScenario, searchScenario } from './reads';
import { recordVisitScenario } from './recordVisit';
import { Scenario } from './scenario';

/** Every scenario `npm run bench` knows (CONTRACT.md's), in the order they run by default. */
export const scenarios: Scenario[] = [
  communeHomeScenario,
  provinceDashboardScenario,
  searchScenario,
  communeHomeTodayScenario,
  provinceDashboardTodayScenario,
  recordVisitScenario,
];
