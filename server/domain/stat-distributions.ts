/**
 * The few distribution functions the A/B verdicts need, written out so the control plane has
 * no numerical dependency. Accuracy ~1e-12 (Lentz continued fraction, Lanczos log-gamma), far
 * beyond what a p-value at alpha 0.05 asks for. Checked against scipy in the tests.
 */

// Lanczos approximation (g = 7, n = 9), as in Numerical Recipes / Boost.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Student's t CDF with (possibly fractional, as Welch gives) degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Complementary error function: the Maclaurin series of erf near 0, a Lentz continued fraction beyond. */
export function erfc(x: number): number {
  const z = Math.abs(x);
  if (z < 0.5) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 30; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    const erf = (2 / Math.sqrt(Math.PI)) * sum;
    return x >= 0 ? 1 - erf : 1 + erf;
  }
  const TINY = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    d = z + an * d;
    d = Math.abs(d) < TINY ? TINY : d;
    c = z + an / c;
    c = Math.abs(c) < TINY ? TINY : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const value = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  return x >= 0 ? value : 2 - value;
}

export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Inverse of a monotone CDF by bisection: simple and exact enough for critical values. */
function invert(cdf: (x: number) => number, p: number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-12) break;
  }
  return (lo + hi) / 2;
}

export function normalQuantile(p: number): number {
  return invert(normalCdf, p, -40, 40);
}

export function studentTQuantile(p: number, df: number): number {
  return invert((t) => studentTCdf(t, df), p, -1e4, 1e4);
}
