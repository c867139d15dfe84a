import type { TGoldenExamples } from '../../server/contracts/model-registry';
import { classificationFigures, goldenMaxAbsError, type TClassificationFigures } from './model-artifacts';

/*
 * The validation figures of an exported model, measured the way it will be served: the ONNX bytes
 * run in ONNX Runtime through the worker's own session code (only inference-worker/ touches
 * onnxruntime-node), not the training code's forward pass.
 */

export interface TOnnxEvaluation extends TClassificationFigures {
  goldenMaxAbsError: number;
}

export async function evaluateOnnx(bytes: Uint8Array, holdout: { rows: readonly number[][]; labels: readonly number[] }, golden: TGoldenExamples): Promise<TOnnxEvaluation> {
  const { createInferenceHost } = await import('../../inference-worker/inference-host');
  const host = createInferenceHost('in-process', { intraOpThreads: 1, provider: 'cpu' }, () => undefined);
  const model = await host.load(bytes);
  try {
    const run = async (rows: readonly number[][]) => model.run(Float32Array.from(rows.flat()), rows.length);
    const figures = classificationFigures(await run(holdout.rows), holdout.labels, model.signature.outputWidth);
    const goldenRows = golden.examples.map((ex) => Object.values(ex.inputs)[0]!.data as number[]);
    const out = await run(goldenRows);
    const width = model.signature.outputWidth;
    const observed = goldenRows.map((_, i) => out.subarray(i * width, (i + 1) * width));
    return { ...figures, goldenMaxAbsError: goldenMaxAbsError(golden, observed) };
  } finally {
    await model.dispose();
    await host.close();
  }
}
