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

function repeating(name: string, description: string, variables: Record<string, unknown>): Scenario {
  return {
    name,
    description,
    needsDatabase: false,
    async prepare(env): Promise<ScenarioRun> {
      const query = operation(name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()));
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

export const communeHomeScenario = repeating('commune-home', 'commune 14620: names, its 10 newest articles, its visit counter', { code: '14620' });
export const provinceDashboardScenario = repeating('province-dashboard', "province 37: every district's 5 newest articles and total visits", { code: '37' });
export const searchScenario = repeating('search', 'filter.search "cai cach hanh chinh" in province 37 (SUBTREE), 10 newest', { search: 'cai cach hanh chinh', province: '37' });
