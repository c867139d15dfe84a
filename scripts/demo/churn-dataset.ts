import { createHash } from 'node:crypto';
import { seededRandom } from '../../server/synthetic/seeded-random';

/*
 * A synthetic telecom-churn table generated from a known logistic rule plus noise, so the demo
 * trains on data with real signal and ships no file. Same seed, same bytes, same fingerprint.
 */

/** The table's columns, in the order of each row; the demo registers its versions with them as feature names. */
export const CHURN_FEATURES = [
  'age',
  'contract_months',
  'late_payments',
  'monthly_charges',
  'num_products',
  'support_calls',
  'tenure_months',
  'usage_gb',
] as const;
export type TChurnFeature = (typeof CHURN_FEATURES)[number];

export interface TChurnData {
  rows: number[][];
  labels: number[];
  csv: string;
  fingerprint: string;
}

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function poisson(rand: () => number, mean: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let s = p;
  const u = rand();
  while (u > s && k < 50) {
    k++;
    p *= mean / k;
    s += p;
  }
  return k;
}

/**
 * One customer's features in CHURN_FEATURES order. `shift` moves the distribution the way a
 * changing market would (drift): pricier plans and more calls to support, +30 in mean monthly
 * charges and +2 expected support calls per unit of shift.
 */
export function sampleCustomer(rand: () => number, shift = 0): number[] {
  const c: Record<TChurnFeature, number> = {
    tenure_months: Math.round(1 + rand() * 71),
    monthly_charges: Math.min(140, Math.max(18, 70 + 25 * normal(rand) + shift * 30)),
    support_calls: poisson(rand, 1.5 + shift * 2),
    contract_months: [1, 12, 24][Math.floor(rand() * 3)]!,
    late_payments: poisson(rand, 0.7),
    usage_gb: Math.exp(3 + 0.6 * normal(rand)),
    num_products: 1 + Math.floor(rand() * 5),
    age: Math.round(Math.min(90, Math.max(18, 45 + 14 * normal(rand)))),
  };
  return CHURN_FEATURES.map((f) => c[f]);
}

const column = (f: TChurnFeature) => CHURN_FEATURES.indexOf(f);

function churnProbability(x: number[]): number {
  const v = (f: TChurnFeature) => x[column(f)]!;
  const logit =
    2.2 -
    0.09 * v('tenure_months') +
    0.06 * (v('monthly_charges') - 70) +
    1.1 * v('support_calls') -
    0.14 * v('contract_months') +
    1.2 * v('late_payments') -
    0.02 * v('usage_gb') -
    0.5 * (v('num_products') - 1);
  return 1 / (1 + Math.exp(-logit));
}

export function generateChurnData(n = 6000, seed = 20261126): TChurnData {
  const rand = seededRandom(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = sampleCustomer(rand);
    rows.push(x);
    labels.push(rand() < churnProbability(x) ? 1 : 0);
  }
  const lines = [[...CHURN_FEATURES, 'churned'].join(',')];
  rows.forEach((r, i) => lines.push([...r.map((v) => Number(v.toFixed(4))), labels[i]].join(',')));
  const csv = `${lines.join('\n')}\n`;
  return { rows, labels, csv, fingerprint: `sha256:${createHash('sha256').update(csv).digest('hex')}` };
}
