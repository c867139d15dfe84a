/*
 * What a prediction means, from a model's output row: a classifier's output (width > 1, the
 * probabilities of a Softmax) gives the most probable class and its probability; a single output is
 * a regression value with no confidence.
 */

export interface ItemOutcome {
  prediction: number | string;
  confidence: number | null;
}

export function readPrediction(out: Float32Array, row: number, width: number, labels?: readonly string[]): ItemOutcome {
  const base = row * width;
  if (width === 1) return { prediction: out[base]!, confidence: null };
  let best = 0;
  for (let i = 1; i < width; i++) if (out[base + i]! > out[base + best]!) best = i;
  return { prediction: labels?.[best] ?? best, confidence: out[base + best]! };
}

/** First golden example whose output differs beyond its tolerance, described; null when all match. */
export function goldenMismatch(examples: readonly { expected: readonly number[]; tolerance: number }[], outputs: readonly Float32Array[]): string | null {
  for (let e = 0; e < examples.length; e++) {
    const { expected, tolerance } = examples[e]!;
    const got = outputs[e]!;
    if (got.length !== expected.length) return `golden example ${e}: expected ${expected.length} outputs, got ${got.length}`;
    for (let i = 0; i < expected.length; i++) {
      const diff = Math.abs(got[i]! - expected[i]!);
      if (!(diff <= tolerance)) return `golden example ${e}: output ${i} is ${got[i]}, expected ${expected[i]} within ${tolerance}`;
    }
  }
  return null;
}
