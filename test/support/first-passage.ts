// Analytic first-passage probabilities of geometric Brownian motion, the theory the simulator's
// liquidation frequencies are checked against (test/simulate-cli.test.ts). Pure functions of numbers.
//
// Under dS/S = mu dt + sigma dW, X_t = ln(S_t / S_0) = nu t + sigma W_t with nu = mu - sigma^2 / 2.
// For a barrier H and b = ln(H / S_0), the reflection principle (drifted Brownian motion; e.g.
// Harrison, "Brownian Motion and Stochastic Flow Systems", 1985, 1.8; Shreve, "Stochastic Calculus
// for Finance II", 7.2.1) gives, with s = sigma sqrt(T):
//   b > 0:  P(max_[0,T] X >= b) = N((-b + nu T) / s) + exp(2 nu b / sigma^2) N((-b - nu T) / s)
//   b < 0:  P(min_[0,T] X <= b) = N(( b - nu T) / s) + exp(2 nu b / sigma^2) N(( b + nu T) / s)
// A path observed only at m equally spaced times in (0, T] crosses less often. Broadie, Glasserman
// & Kou, "A continuity correction for discrete barrier options", Mathematical Finance 7 (1997),
// 325-349, Theorem 1: the discrete barrier H is priced as a continuous barrier shifted away from the
// spot, H exp(+beta sigma sqrt(T/m)) above it and H exp(-beta sigma sqrt(T/m)) below it, with
// beta = -zeta(1/2) / sqrt(2 pi) = 0.5826; the error is o(1/sqrt(m)).
//
// The standard normal CDF is N(x) = erfc(-x / sqrt 2) / 2, with erfc from W. J. Cody, "Rational
// Chebyshev approximations for the error function", Mathematics of Computation 23 (1969), 631-637,
// as coded in Cody's SPECFUN routine CALERF (Netlib, specfun/erf). Checked against
// scipy.special.erfc and ndtr at 801 points in [-9, 9]: erfc within 1e-14 relative, N within 2e-13
// relative (the deep tail included, where the rounding of x / sqrt 2 is amplified).

/** beta of Broadie, Glasserman & Kou (1997): -zeta(1/2) / sqrt(2 pi). */
export const BGK_BETA = 0.5826;

// CALERF coefficients: erf on |x| <= 0.46875 (A / B), erfc on 0.46875 < |x| <= 4 (C / D), and
// erfc on |x| > 4 as an asymptotic rational function of 1 / x^2 (P / Q). Cody prints 18 digits; here
// each is written as the double it rounds to (A[0] = 3.16112374387056560e0 is 3.1611237438705655).
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315] as const;
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171] as const;
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
] as const;
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
] as const;
const P = [0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378, 0.016315387137302097] as const;
const Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918] as const;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const X_NEGATIVE_LIMIT = -26.628; // erfc(x) = 2 to double precision below this
const X_BIG = 26.543; // erfc(x) underflows to 0 above this

/** The complementary error function erfc(x) = 2 / sqrt(pi) * integral from x to infinity of exp(-t^2) dt (Cody's CALERF). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) {
    const square = y > 1.11e-16 ? y * y : 0;
    let numerator = A[4] * square;
    let denominator = square;
    for (let i = 0; i < 3; i += 1) {
      numerator = (numerator + A[i]!) * square;
      denominator = (denominator + B[i]!) * square;
    }
    return 1 - (x * (numerator + A[3])) / (denominator + B[3]);
  }
  let result: number;
  if (y <= 4) {
    let numerator = C[8] * y;
    let denominator = y;
    for (let i = 0; i < 7; i += 1) {
      numerator = (numerator + C[i]!) * y;
      denominator = (denominator + D[i]!) * y;
    }
    result = (numerator + C[7]) / (denominator + D[7]);
  } else if (y >= X_BIG) {
    result = 0;
  } else {
    const inverseSquare = 1 / (y * y);
    let numerator = P[5] * inverseSquare;
    let denominator = inverseSquare;
    for (let i = 0; i < 4; i += 1) {
      numerator = (numerator + P[i]!) * inverseSquare;
      denominator = (denominator + Q[i]!) * inverseSquare;
    }
    result = (inverseSquare * (numerator + P[4])) / (denominator + Q[4]);
    result = (ONE_OVER_SQRT_PI - result) / y;
  }
  if (result !== 0) {
    // exp(-y^2) in two parts, so that the rounding of y^2 costs no accuracy (CALERF).
    const coarse = Math.trunc(y * 16) / 16;
    const rest = (y - coarse) * (y + coarse);
    result *= Math.exp(-coarse * coarse) * Math.exp(-rest);
  }
  if (x < 0) return x < X_NEGATIVE_LIMIT ? 2 : 2 - result;
  return result;
}

/** The standard normal cumulative distribution function N(x) = erfc(-x / sqrt 2) / 2. */
export function normalCdf(x: number): number {
  return erfc(-x / Math.SQRT2) / 2;
}

export interface FirstPassageInput {
  /** Price now (the mark), > 0. */
  readonly spot: number;
  /** The level to reach, > 0 (a liquidation price). */
  readonly barrier: number;
  /** Annualised sigma of dS/S = mu dt + sigma dW, >= 0. */
  readonly volatility: number;
  /** Annualised mu of dS/S = mu dt + sigma dW. */
  readonly drift: number;
  /** Horizon T in years, > 0. */
  readonly years: number;
  /** Number m of equally spaced observations in (0, T], at T/m, 2T/m, ..., T; >= 1. */
  readonly observations: number;
}

/** Continuous monitoring: probability that X_t = nu t + sigma W_t reaches b (> 0: from below; < 0: from above) by T. */
function continuousFirstPassage(logBarrier: number, nu: number, sigma: number, years: number): number {
  const spread = sigma * Math.sqrt(years);
  const reflection = Math.exp((2 * nu * logBarrier) / (sigma * sigma));
  const probability = logBarrier > 0
    ? normalCdf((-logBarrier + nu * years) / spread) + reflection * normalCdf((-logBarrier - nu * years) / spread)
    : normalCdf((logBarrier - nu * years) / spread) + reflection * normalCdf((logBarrier + nu * years) / spread);
  return Math.min(1, Math.max(0, probability));
}

/**
 * Probability that the GBM, observed at `observations` equally spaced times in (0, T], reaches the
 * barrier: max >= barrier when the barrier is above the spot, min <= barrier when it is below
 * (1 when the spot is already there). Reflection principle with the Broadie-Glasserman-Kou
 * continuity correction; without volatility, the deterministic path checked at each observation.
 */
export function firstPassageProbability(input: FirstPassageInput): number {
  const { spot, barrier, volatility: sigma, drift: mu, years, observations } = input;
  if (!(spot > 0) || !(barrier > 0)) throw new RangeError(`spot and barrier must be positive, got ${spot} and ${barrier}`);
  if (!(sigma >= 0) || !Number.isFinite(mu)) throw new RangeError(`volatility must be >= 0 and drift finite, got ${sigma} and ${mu}`);
  if (!(years > 0) || !Number.isInteger(observations) || observations < 1) {
    throw new RangeError(`years must be > 0 and observations a positive integer, got ${years} and ${observations}`);
  }
  const up = barrier > spot;
  if (barrier === spot) return 1;
  const nu = mu - (sigma * sigma) / 2;
  const logBarrier = Math.log(barrier / spot);
  if (sigma === 0) {
    // X is linear in t: its extreme over the observation times is at the first or the last one.
    const step = years / observations;
    const extreme = up ? Math.max(nu * step, nu * years) : Math.min(nu * step, nu * years);
    return (up ? extreme >= logBarrier : extreme <= logBarrier) ? 1 : 0;
  }
  const shift = BGK_BETA * sigma * Math.sqrt(years / observations);
  return continuousFirstPassage(up ? logBarrier + shift : logBarrier - shift, nu, sigma, years);
}
