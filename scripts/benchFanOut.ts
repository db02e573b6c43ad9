import { parseArgs } from 'node:util';

/**
 * Times the widest syndication a province does: one article to a province and every unit below it
 * (includeDescendants), then withdrawn again, for several rounds against a running gateway. Prints
 * each round and the medians. It changes the article's publications, and leaves them as they were.
 *
 *   LIENTHONG_API_KEY=… npm run bench:fanout -- [--url http://127.0.0.1:4000/graphql] [--article 5] [--unit 01] [--rounds 7]
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { url: { type: 'string', default: 'http://127.0.0.1:4000/graphql' }, article: { type: 'string', default: '5' }, unit: { type: 'string', default: '01' }, rounds: { type: 'string', default: '7' } },
  });
  const key = process.env.LIENTHONG_API_KEY;
  if (!key) throw new Error('set LIENTHONG_API_KEY to an admin key (npm run --silent keys -- create --role admin --label bench)');
  const call = async (op: 'syndicate' | 'withdraw') => {
    const started = process.hrtime.bigint();
    const res = await fetch(values.url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        query: `mutation($input: SyndicationInput!) { ${op}(input: $input) { requested changed } }`,
        variables: { input: { articleIds: [values.article], targetCodes: [values.unit], includeDescendants: true } },
      }),
    });
    const body = (await res.json()) as { data?: Record<string, { requested: number; changed: number }>; errors?: unknown };
    if (!body.data) throw new Error(`${op} failed: ${JSON.stringify(body.errors)}`);
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, ...body.data[op] };
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // Start from "not syndicated", whatever an earlier run left.
  await call('withdraw');
  const times: Record<'syndicate' | 'withdraw', number[]> = { syndicate: [], withdraw: [] };
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const op of ['syndicate', 'withdraw'] as const) {
      const r = await call(op);
      times[op].push(r.ms);
      console.log(`round ${round} ${op.padEnd(9)} ${r.changed}/${r.requested} pairs changed in ${r.ms.toFixed(1)} ms`);
    }
  }
  console.log(`median: syndicate ${median(times.syndicate).toFixed(1)} ms, withdraw ${median(times.withdraw).toFixed(1)} ms (article ${values.article} to unit ${values.unit} and everything below it)`);
}

main().catch((e: unknown) => {
  console.error(`bench:fanout: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
