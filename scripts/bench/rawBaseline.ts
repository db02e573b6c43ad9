import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scenario, ScenarioRun } from './scenario';

/**
 * The raw-SQL server of scripts/bench/raw-sql (one hand-tuned statement per scenario, the team's
 * baseline, kept as it was handed over) as a benchmark target: `POST <url>/query {"scenario",
 * "vars"}` with the scenario's vars file, answered with JSON. It serves the three read scenarios;
 * its own database holds data of the same shape and size.
 */
export const RAW_SCENARIOS = ['commune-home', 'province-dashboard', 'search'];

/** Its scenarios' variables (dist/scripts/bench → scripts/bench/raw-sql/scenarios). */
export const RAW_BASELINE_SCENARIOS = join(__dirname, '..', '..', '..', 'scripts', 'bench', 'raw-sql', 'scenarios');

export function rawScenario(name: string, scenariosDir: string): Scenario {
  const varsFile = join(scenariosDir, `${name}.vars.json`);
  return {
    name: `${name} (raw)`,
    description: `the raw-SQL baseline's ${name}`,
    needsDatabase: false,
    async prepare(env): Promise<ScenarioRun> {
      if (!existsSync(varsFile)) throw new Error(`no ${varsFile}: pass --raw-scenarios DIR (the baseline's scenarios folder)`);
      const body = JSON.stringify({ scenario: name, vars: JSON.parse(readFileSync(varsFile, 'utf8')) });
      const probe = await fetch(env.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (!probe.ok) throw new Error(`${name}: the raw baseline at ${env.url} answers ${probe.status}: ${(await probe.text()).slice(0, 200)}`);
      let errors = 0;
      return {
        nextRequest: () => ({ body, tag: null }),
        onResponse(_tag, status) {
          if (status !== 200) errors++;
        },
        async verify() {
          return { ok: errors === 0, lines: errors ? [`${errors} answers were not 200`] : [] };
        },
      };
    },
  };
}
