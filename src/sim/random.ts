/**
 * The simulator's random numbers: one independent stream per path, so a path's prices depend only
 * on (seed, path index), never on which worker ran it or in what order.
 *
 * - Generator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 *   ACM TOMS 2021), 32-bit words, seeded for each path through splitmix32 of (seed, path).
 * - Normals: the ziggurat of Marsaglia & Tsang ("The Ziggurat Method for Generating Random
 *   Variables", J. Stat. Software 5(8), 2000), 128 layers, with the layer taken from the low 7 bits
 *   and the value from the other 25 (Doornik, "An Improved Ziggurat Method to Generate Normal
 *   Random Samples", 2005: the original reuses the same bits for both and fails tests of
 *   independence).
 * - Exponentials: -log(U).
 * Not for cryptography.
 */

const LAYERS = 128;
/** Values are 25-bit signed integers: |value| < 2^24. */
const SCALE = 2 ** 24;
const TAIL = 3.442619855899;
const AREA = 9.91256303526217e-3;

/** Layer tables: accept |value| < KN[i] at once; x = value × WN[i]; FN[i] = exp(-x_i² / 2). */
const KN = new Float64Array(LAYERS);
const WN = new Float64Array(LAYERS);
/** The ziggurat's layer tables, for a kernel that inlines its fast path (price-model.ts). */
export const ZIGGURAT_KN: Readonly<Float64Array> = KN;
export const ZIGGURAT_WN: Readonly<Float64Array> = WN;
const FN = new Float64Array(LAYERS);
{
  let dn = TAIL;
  let tn = dn;
  const q = AREA / Math.exp(-0.5 * dn * dn);
  KN[0] = (dn / q) * SCALE;
  KN[1] = 0;
  WN[0] = q / SCALE;
  WN[LAYERS - 1] = dn / SCALE;
  FN[0] = 1;
  FN[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(AREA / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = (dn / tn) * SCALE;
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / SCALE;
  }
}

function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

export class PathRandom {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** Positions the stream at the start of path `path` of the run seeded with `seed` (a safe integer). */
  reset(seed: number, path: number): void {
    const low = seed % 0x1_0000_0000;
    const high = Math.floor(seed / 0x1_0000_0000);
    let h = splitmix32(low ^ splitmix32(high ^ 0x5bd1e995));
    h = splitmix32(h ^ splitmix32(path ^ 0x27d4eb2f));
    h = splitmix32(h ^ Math.floor(path / 0x1_0000_0000));
    this.s0 = h = splitmix32(h);
    this.s1 = h = splitmix32(h);
    this.s2 = h = splitmix32(h);
    this.s3 = splitmix32(h);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Copies the generator's state out, for a kernel that runs it in locals (price-model.ts). */
  saveState(into: Int32Array): void {
    into[0] = this.s0;
    into[1] = this.s1;
    into[2] = this.s2;
    into[3] = this.s3;
  }

  /** Takes the state back from such a kernel. */
  loadState(from: Int32Array): void {
    this.s0 = from[0] as number;
    this.s1 = from[1] as number;
    this.s2 = from[2] as number;
    this.s3 = from[3] as number;
  }

  /** 32 random bits as a signed integer. */
  next(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in (0, 1): never 0, so its logarithm is finite. */
  uniform(): number {
    return (this.next() >>> 0) * 2.3283064365386963e-10 + 1.1641532182693481e-10;
  }

  /** Exponential with mean 1. */
  exponential(): number {
    return -Math.log(this.uniform());
  }

  /** Standard normal. */
  normal(): number {
    const bits = this.next();
    const value = bits >> 7;
    const layer = bits & 127;
    if (Math.abs(value) < (KN[layer] as number)) return value * (WN[layer] as number);
    return this.normalSlow(value, layer);
  }

  /** The ziggurat's rare path (a wedge or the tail), from a value and layer the fast path rejected. */
  normalSlow(startValue: number, startLayer: number): number {
    let value = startValue;
    let layer = startLayer;
    for (;;) {
      const x = value * (WN[layer] as number);
      if (layer === 0) {
        let tail: number;
        let y: number;
        do {
          tail = -Math.log(this.uniform()) / TAIL;
          y = -Math.log(this.uniform());
        } while (y + y < tail * tail);
        return value > 0 ? TAIL + tail : -TAIL - tail;
      }
      const below = FN[layer] as number;
      if (below + this.uniform() * ((FN[layer - 1] as number) - below) < Math.exp(-0.5 * x * x)) return x;
      const bits = this.next();
      value = bits >> 7;
      layer = bits & 127;
      if (Math.abs(value) < (KN[layer] as number)) return value * (WN[layer] as number);
    }
  }
}
