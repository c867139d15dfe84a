import type { THyperparameters } from './train-classifier';

/*
 * What the living demo consists of: one model, one experiment, one dataset version, two people
 * (an engineer who trains and asks, an admin who owns and approves: four-eyes needs two) and
 * the two versions it trains, the second a bigger network with a slower learning rate.
 */

export const DEMO_MODEL = 'churn';
export const DEMO_EXPERIMENT = 'churn-classifier';
export const DEMO_DATASET = { name: 'churn-customers', version: '1.0.0', rows: 6000, seed: 20261126 } as const;

/** What the local worker follows in demo mode; the canary rides on the production reference. */
export const DEMO_WORKER_REF = `${DEMO_MODEL}@production`;

export interface TDemoVersionRecipe {
  /** How the progress line names it. */
  label: string;
  hp: THyperparameters;
  description: string;
}

export const DEMO_VERSIONS: readonly TDemoVersionRecipe[] = [
  {
    label: 'v1',
    hp: { hidden: 8, learningRate: 0.01, epochs: 10, batchSize: 64, seed: 3 },
    description: 'Small MLP (8 hidden units), Adam lr 0.01, 10 epochs: the production baseline.',
  },
  {
    label: 'v2',
    hp: { hidden: 24, learningRate: 0.003, epochs: 16, batchSize: 32, seed: 4 },
    description: 'Wider MLP (24 hidden units), Adam lr 0.003, 16 epochs: the canary candidate.',
  },
];

/** The canary the demo leaves running: a fifth of the traffic for a day, promoted by a person, not the clock. */
export const DEMO_CANARY = { percent: 20, durationS: 86_400, autoPromote: false } as const;

/** Validation thresholds the demo's CI-style checks apply (the registry computes pass/fail). */
export const DEMO_THRESHOLDS = { accuracy: 0.8, logLoss: 0.45, goldenMaxAbsError: 1e-4 } as const;
