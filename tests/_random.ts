// A small seeded PRNG (mulberry32) so property tests, fuzzers and the
// benchmark data are repeatable: the one copy, used by tests/ and scripts/.

/** Returns a generator of floats in [0, 1) for a seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random integer in [min, max]. */
export function int(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

/** Random bytes. */
export function bytes(rand: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => int(rand, 0, 255));
}

/** A random element (of an array, or a character of a string). */
export function pick<T>(rand: () => number, items: ArrayLike<T>): T {
  return items[int(rand, 0, items.length - 1)]!;
}
