import { encodeMlpOnnx, mlpForward, type TMlp, type TMlpLayer } from '../../server/synthetic/onnx-mlp-writer';
import { seededRandom } from '../../server/synthetic/seeded-random';

export interface THyperparameters {
  hidden: number;
  learningRate: number;
  epochs: number;
  batchSize: number;
  seed: number;
}

/** The first 80% of the rows train, the rest is the holdout the history's accuracy is measured on. */
export const TRAIN_FRACTION = 0.8;
export const trainingRowCount = (n: number) => Math.floor(n * TRAIN_FRACTION);

export interface TTrainedModel {
  mlp: TMlp;
  /** Per epoch: training loss and holdout accuracy. */
  history: { epoch: number; loss: number; valAccuracy: number }[];
  valAccuracy: number;
}

/**
 * A one-hidden-layer classifier trained with Adam on cross-entropy. Features are standardised
 * for training, and the standardisation is folded into the first layer, so the exported ONNX
 * model takes raw feature values as the worker receives them.
 */
export function trainClassifier(rows: number[][], labels: number[], hp: THyperparameters): TTrainedModel {
  const rand = seededRandom(hp.seed);
  const n = rows.length;
  const f = rows[0]!.length;
  const split = trainingRowCount(n);
  const mean = Array.from({ length: f }, (_, j) => rows.slice(0, split).reduce((a, r) => a + r[j]!, 0) / split);
  const std = Array.from({ length: f }, (_, j) => Math.sqrt(rows.slice(0, split).reduce((a, r) => a + (r[j]! - mean[j]!) ** 2, 0) / split) || 1);
  const z = rows.map((r) => r.map((v, j) => (v - mean[j]!) / std[j]!));

  const h = hp.hidden;
  const params = {
    w1: Float64Array.from({ length: f * h }, () => (rand() * 2 - 1) * Math.sqrt(2 / f)),
    b1: new Float64Array(h),
    w2: Float64Array.from({ length: h * 2 }, () => (rand() * 2 - 1) * Math.sqrt(2 / h)),
    b2: new Float64Array(2),
  };
  const keys = Object.keys(params) as (keyof typeof params)[];
  const m = Object.fromEntries(keys.map((k) => [k, new Float64Array(params[k].length)])) as typeof params;
  const v = Object.fromEntries(keys.map((k) => [k, new Float64Array(params[k].length)])) as typeof params;
  let t = 0;

  const forward = (x: number[]) => {
    const hid = new Float64Array(h);
    for (let k = 0; k < h; k++) {
      let s = params.b1[k]!;
      for (let j = 0; j < f; j++) s += x[j]! * params.w1[j * h + k]!;
      hid[k] = Math.max(0, s);
    }
    const logits = [params.b2[0]!, params.b2[1]!];
    for (let k = 0; k < h; k++) {
      logits[0]! += hid[k]! * params.w2[k * 2]!;
      logits[1]! += hid[k]! * params.w2[k * 2 + 1]!;
    }
    const mx = Math.max(logits[0]!, logits[1]!);
    const e0 = Math.exp(logits[0]! - mx);
    const e1 = Math.exp(logits[1]! - mx);
    return { hid, p1: e1 / (e0 + e1) };
  };

  const history: TTrainedModel['history'] = [];
  const order = Array.from({ length: split }, (_, i) => i);
  for (let epoch = 1; epoch <= hp.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let loss = 0;
    for (let start = 0; start < split; start += hp.batchSize) {
      const batch = order.slice(start, start + hp.batchSize);
      const g = Object.fromEntries(keys.map((k) => [k, new Float64Array(params[k].length)])) as typeof params;
      for (const idx of batch) {
        const x = z[idx]!;
        const y = labels[idx]!;
        const { hid, p1 } = forward(x);
        loss -= Math.log(Math.max(1e-12, y ? p1 : 1 - p1));
        // d(loss)/d(logit1) = p1 - y, d/d(logit0) = y - p1 for a two-class softmax.
        const d1 = p1 - y;
        g.b2[1]! += d1;
        g.b2[0]! -= d1;
        for (let k = 0; k < h; k++) {
          g.w2[k * 2 + 1]! += hid[k]! * d1;
          g.w2[k * 2]! -= hid[k]! * d1;
          if (hid[k]! <= 0) continue;
          const dh = d1 * (params.w2[k * 2 + 1]! - params.w2[k * 2]!);
          g.b1[k]! += dh;
          for (let j = 0; j < f; j++) g.w1[j * h + k]! += x[j]! * dh;
        }
      }
      t++;
      for (const k of keys) {
        const p = params[k];
        for (let i = 0; i < p.length; i++) {
          const gi = g[k][i]! / batch.length;
          m[k][i] = 0.9 * m[k][i]! + 0.1 * gi;
          v[k][i] = 0.999 * v[k][i]! + 0.001 * gi * gi;
          p[i]! -= (hp.learningRate * (m[k][i]! / (1 - 0.9 ** t))) / (Math.sqrt(v[k][i]! / (1 - 0.999 ** t)) + 1e-8);
        }
      }
    }
    let correct = 0;
    for (let i = split; i < n; i++) if ((forward(z[i]!).p1 >= 0.5 ? 1 : 0) === labels[i]) correct++;
    history.push({ epoch, loss: loss / split, valAccuracy: correct / (n - split) });
  }

  // Fold (x - mean) / std into the first layer: W' = W / std, b' = b - sum_j mean_j / std_j * W_j.
  const w1 = new Float32Array(f * h);
  const b1 = new Float32Array(h);
  for (let k = 0; k < h; k++) {
    let b = params.b1[k]!;
    for (let j = 0; j < f; j++) {
      w1[j * h + k] = params.w1[j * h + k]! / std[j]!;
      b -= (mean[j]! / std[j]!) * params.w1[j * h + k]!;
    }
    b1[k] = b;
  }
  const layers: TMlpLayer[] = [
    { weights: w1, bias: b1, inSize: f, outSize: h },
    { weights: Float32Array.from(params.w2), bias: Float32Array.from(params.b2), inSize: h, outSize: 2 },
  ];
  const mlp = encodeMlpOnnx({ features: f, classes: 2 }, layers);
  return { mlp, history, valAccuracy: history[history.length - 1]!.valAccuracy };
}

export { mlpForward };
