import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchRequest, Scenario, ScenarioRun } from './scenario';

/**
 * The read scenarios of CONTRACT.md, each the same request over and over (a portal's home page, a
 * dashboard, a search box), as the raw-SQL baseline in scripts/bench/raw-sql serves them. The queries
 * are the committed operations of tests/operations, so the tests' exact statement counts and the
 * benchmark measure the same thing.
 */
function operation(name: string): string {
  return readFileSync(join(__dirname, '..', '..', '..', 'tests', 'operations', `${name}.graphql`), 'utf8');
}

function repeating(name: string, operationName: string, description: string, variables: Record<string, unknown>): Scenario {
  return {
    name,
    description,
    needsDatabase: false,
    repeats: true,
    async prepare(env): Promise<ScenarioRun> {
      const query = operation(operationName);
      // Fail before the load, not with thousands of error responses.
      const probe = await env.graphql(query, variables);
      if (!probe.data || probe.errors) throw new Error(`${name}: the query fails: ${JSON.stringify(probe.errors)}`);
      const body = JSON.stringify({ query, variables });
      let errors = 0;
      return {
        nextRequest: (): BenchRequest => ({ body, tag: null }),
        onResponse(_tag, status, text) {
          if (status !== 200 || text.includes('"errors"')) errors++;
        },
        async verify() {
          return { ok: errors === 0, lines: [`${errors} answers with errors`] };
        },
      };
    },
  };
}

/** The map the raw-SQL baseline serves: the first three scenarios name it (CONTRACT.md). */
const BASELINE_MAP = '2025-06-30';

export const communeHomeScenario = repeating('commune-home', 'CommuneHome', 'commune 14620 on 2025-06-30: names, its 10 newest articles, its visit counter', {
  code: '14620',
  on: BASELINE_MAP,
});
export const provinceDashboardScenario = repeating('province-dashboard', 'ProvinceDashboard', "province 37 on 2025-06-30: every district's 5 newest articles and total visits", {
  code: '37',
  on: BASELINE_MAP,
});
export const searchScenario = repeating('search', 'Search', 'filter.search "cai cach hanh chinh" in province 37 on 2025-06-30 (SUBTREE), 10 newest', {
  search: 'cai cach hanh chinh',
  province: '37',
  on: BASELINE_MAP,
});
export const communeHomeTodayScenario = repeating('commune-home-today', 'CommuneHome', 'Xã Phát Diệm (14620 today): names, its 10 newest articles with history, its visit counter', {
  code: '14620',
});
export const provinceDashboardTodayScenario = repeating(
  'province-dashboard-today',
  'ProvinceDashboardToday',
  "the new Tỉnh Ninh Bình (37 today): every commune's 5 newest articles with history and total visits",
  { code: '37' },
);
