import type { TModelSignature, TTensorSpec } from '../contracts/model-registry';

/*
 * Feature and label names a registration gives a model's columns. The worker serves models with one
 * 2-D input and one 2-D output, so names describe their second dimension: refused when the model
 * has several tensors, or a fixed width the names do not match (an unknown width cannot be checked:
 * the worker checks it again when it loads the version).
 */

function width(tensors: TTensorSpec[], what: string, noun: string, names: readonly string[]): string | null {
  if (tensors.length !== 1) return `${noun}: the model has ${tensors.length} ${what} tensors; names describe a model with one 2-D ${what}`;
  const shape = tensors[0]!.shape;
  if (shape && shape.length !== 2) return `${noun}: the ${what} '${tensors[0]!.name}' is ${shape.length}-D; names describe the columns of a 2-D ${what}`;
  const w = shape?.[1];
  if (typeof w === 'number' && w !== names.length) return `${noun}: ${names.length} names given but the ${what} '${tensors[0]!.name}' has ${w} columns`;
  return null;
}

/** Why the names do not fit the model's signature, or null when they do. */
export function signatureNamesProblem(signature: Pick<TModelSignature, 'inputs' | 'outputs'>, names: { features?: readonly string[]; labels?: readonly string[] }): string | null {
  return (names.features && width(signature.inputs, 'input', 'features', names.features)) || (names.labels && width(signature.outputs, 'output', 'labels', names.labels)) || null;
}
