import { createHash } from 'node:crypto';
import { seededRandom } from '../../server/testing/onnx-model';

/**
 * A synthetic telecom-churn table generated from a known logistic rule plus noise, so the demo
 * trains on data with real signal and ships no file. Same seed, same bytes, same fingerprint.
 */
export const CHURN_FEATURES = [
  'tenure_months',
  'monthly_charges',
  'support_calls',
  'contract_months',
  'late_payments',
  'usage_gb',
  'num_products',
  'age',
] as const;

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

/** One customer's features; `shift` moves the distribution the way a changing market would (drift). */
export function sampleCustomer(rand: () => number, shift = 0): number[] {
  const tenure = Math.round(1 + rand() * 71);
  const charges = Math.min(140, Math.max(18, 70 + 25 * normal(rand) + shift * 30));
  const calls = poisson(rand, 1.5 + shift * 2);
  const contract = [1, 12, 24][Math.floor(rand() * 3)]!;
  const late = poisson(rand, 0.7);
  const usage = Math.exp(3 + 0.6 * normal(rand));
  const products = 1 + Math.floor(rand() * 5);
  const age = Math.round(Math.min(90, Math.max(18, 45 + 14 * normal(rand))));
  return [tenure, charges, calls, contract, late, usage, products, age];
}

function churnProbability(x: number[]): number {
  const [tenure, charges, calls, contract, late, usage, products] = x as [number, number, number, number, number, number, number];
  const logit = 2.2 - 0.09 * tenure + 0.06 * (charges - 70) + 1.1 * calls - 0.14 * contract + 1.2 * late - 0.02 * usage - 0.5 * (products - 1);
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
