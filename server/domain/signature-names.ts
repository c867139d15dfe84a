import type { TModelSignature } from '../contracts/model-registry';

/*
 * Feature names a registration gives a model's input columns. The worker serves models with one
 * 2-D input, so names describe its second dimension: refused when the model has several inputs,
 * or a fixed width the names do not match (an unknown width cannot be checked here: the worker
 * checks it again when it loads the version). Drift places reference statistics by these names,
 * so statistics of a feature the names do not list could not be placed.
 */

/** Why the feature names do not fit the model's signature or its reference statistics, or null when they do. */
export function featureNamesProblem(signature: Pick<TModelSignature, 'inputs'>, features: readonly string[], referenceFeatures: readonly string[] = []): string | null {
  const inputs = signature.inputs;
  if (inputs.length !== 1) return `features: the model has ${inputs.length} input tensors; names describe a model with one 2-D input`;
  const shape = inputs[0]!.shape;
  if (shape && shape.length !== 2) return `features: the input '${inputs[0]!.name}' is ${shape.length}-D; names describe the columns of a 2-D input`;
  const width = shape?.[1];
  if (typeof width === 'number' && width !== features.length) return `features: ${features.length} names given but the input '${inputs[0]!.name}' has ${width} columns`;
  const unplaced = referenceFeatures.filter((f) => !features.includes(f));
  if (unplaced.length) return `features: the reference statistics describe ${unplaced.map((f) => `'${f}'`).join(', ')}, which the names do not list`;
  return null;
}
