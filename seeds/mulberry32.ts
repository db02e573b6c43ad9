/** A mulberry32 stream: each call draws the next number, uniform in [0, 1). */
export interface Mulberry32 {
  (): number;
  /** Where the stream stands: mulberry32(state) goes on with the numbers this one would draw next. */
  readonly state: number;
}

/**
 * mulberry32: a tiny, fast PRNG with a 32-bit seed, the same as the benchmark's reference generator
 * (scripts/bench/raw-sql/dataset/gen.mjs), so generated data is reproducible byte for byte. Its whole
 * state is one 32-bit number, which is what lets an interrupted seed resume mid-stream.
 */
export function mulberry32(seed: number): Mulberry32 {
  let a = seed | 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.defineProperty(next, 'state', { get: () => a }) as Mulberry32;
}
