import { Page, pageDraws } from '../../scripts/bench/traffic';

/**
 * The traffic benchmark's draws (scripts/bench/traffic.ts, issue #33): the gateway and the raw-SQL
 * baseline, and two runs, must be sent the same pages, and those pages must be spread the way the
 * benchmark says (85 % commune homes, 5 % dashboards, 10 % searches; a Zipf law over the units).
 */
const units = {
  communes: Array.from({ length: 3321 }, (_, i) => String(10000 + i)),
  provinces: Array.from({ length: 34 }, (_, i) => String(10 + i)),
};
const draw = (n: number, seed?: number) => {
  const next = pageDraws(units, seed);
  return Array.from({ length: n }, next);
};

describe('the traffic draws', () => {
  it('are the same for the same units and seed, and others for another seed', () => {
    expect(draw(5000)).toEqual(draw(5000));
    expect(draw(5000, 7)).toEqual(draw(5000, 7));
    expect(draw(5000, 7)).not.toEqual(draw(5000));
  });

  it('are 85 % homes, 5 % dashboards and 10 % searches, the homes spread as a Zipf law over every commune', () => {
    const pages = draw(100_000);
    const share = (kind: Page['kind']) => pages.filter((p) => p.kind === kind).length / pages.length;
    expect(share('home')).toBeCloseTo(0.85, 2);
    expect(share('dashboard')).toBeCloseTo(0.05, 2);
    expect(share('search')).toBeCloseTo(0.1, 2);
    const homes = new Map<string, number>();
    for (const p of pages) if (p.kind === 'home') homes.set(p.commune, (homes.get(p.commune) ?? 0) + 1);
    const counts = [...homes.values()].sort((a, b) => b - a);
    // P(rank k) ∝ 1/k^0.99: the most read commune about twice the second and ten times the tenth.
    expect(counts[0] / counts[1]).toBeGreaterThan(1.6);
    expect(counts[0] / counts[9]).toBeGreaterThan(7);
    // And the tail is read too: most communes at least once in 85,000 home pages.
    expect(homes.size).toBeGreaterThan(0.9 * units.communes.length);
  });
});
