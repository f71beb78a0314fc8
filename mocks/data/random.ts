/**
 * A small, fast, seeded random source (sfc32) so that the same seed always gives the same synthetic
 * data. Not for secrets: AIFOs use a keyed hash, not this.
 */
import { createHash } from 'node:crypto';

export interface Random {
  /** A uniform 32-bit unsigned integer. */
  uint32(): number;
  /** A uniform integer in [0, n). */
  below(n: number): number;
  /** A uniform integer in [min, max]. */
  between(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A new, independent source derived from this one's seed and a label. */
  fork(label: string): Random;
}

export function createRandom(seed: string): Random {
  const words = seedWords(seed);
  let a = words[0] ?? 0;
  let b = words[1] ?? 0;
  let c = words[2] ?? 0;
  let d = words[3] ?? 0;
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) uint32();
  const below = (n: number): number => {
    if (n <= 0x1_0000_0000) return Math.floor((uint32() / 0x1_0000_0000) * n);
    return Math.floor(((uint32() * 0x20_0000 + (uint32() >>> 11)) / 2 ** 53) * n);
  };
  return {
    uint32,
    below,
    between: (min, max) => min + below(max - min + 1),
    chance: (p) => uint32() / 0x1_0000_0000 < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[below(items.length)] as T;
    },
    fork: (label) => createRandom(`${seed}/${label}`),
  };
}

function seedWords(seed: string): number[] {
  const digest = createHash('sha256').update(seed).digest();
  return [0, 4, 8, 12].map((offset) => digest.readUInt32LE(offset));
}

/** Running totals of weights, for `weightedIndex`. */
export function cumulativeWeights(weights: readonly number[]): number[] {
  let total = 0;
  return weights.map((w) => (total += w));
}

/** An index drawn in proportion to the weights whose running totals are `cumulative`. */
export function weightedIndex(random: Random, cumulative: readonly number[]): number {
  const total = cumulative.at(-1) ?? 1;
  const r = random.below(total);
  let i = 0;
  while ((cumulative[i] ?? total) <= r) i++;
  return i;
}
