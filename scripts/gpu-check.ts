// A prepared check of the worker's execution-provider path on a GPU machine (the `device` tool):
// opens the wide reference model through the worker's own openSession with each preference,
// reports which provider served, checks the outputs against the TypeScript forward pass, and
// measures rows/s. Bundled by scripts/gpu-check.sh; the product never needs a GPU.
import { hostname } from 'node:os';
import { encodeMlpOnnx, mlpForward, type TMlpLayer } from '../server/synthetic/onnx-mlp-writer';
import { openSession, readSignature, runSession, type TProviderPreference } from '../inference-worker/ort-session';

function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = seeded(11);
const sizes = [512, 2048, 2048, 10];
const layers: TMlpLayer[] = sizes.slice(0, -1).map((inSize, l) => {
  const outSize = sizes[l + 1]!;
  return {
    inSize,
    outSize,
    weights: Float32Array.from({ length: inSize * outSize }, () => (rand() * 2 - 1) * Math.sqrt(2 / inSize)),
    bias: Float32Array.from({ length: outSize }, () => (rand() * 2 - 1) * 0.1),
  };
});
const mlp = encodeMlpOnnx({ features: 512, classes: 10 }, layers);
const batch = 64;
const rows = Array.from({ length: batch }, () => Array.from({ length: 512 }, () => rand() * 2 - 1));
const expected = mlpForward(mlp, rows.slice(0, 4));
const input = Float32Array.from(rows.flat());

console.log(`host ${hostname()}`);
const results: Record<string, unknown> = {};
for (const preference of ['auto', 'cuda', 'cpu'] as TProviderPreference[]) {
  const lines: string[] = [];
  const { session, provider } = await openSession(mlp.bytes, { intraOpThreads: 4, provider: preference }, (l) => lines.push(l));
  const sig = readSignature(session);
  const out = await runSession(session, sig, input, batch);
  let maxErr = 0;
  expected.forEach((row, r) => row.forEach((v, c) => (maxErr = Math.max(maxErr, Math.abs(v - out[r * 10 + c]!)))));
  const iterations = 50;
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await runSession(session, sig, input, batch);
  const seconds = (performance.now() - t0) / 1000;
  results[preference] = { provider, rows_per_s: Math.round((iterations * batch) / seconds), max_abs_error: maxErr, log: lines };
  console.log(`preference ${preference.padEnd(4)} -> served by ${provider.toUpperCase()}, max |error| ${maxErr.toExponential(2)}, ${Math.round((iterations * batch) / seconds)} rows/s`);
  for (const l of lines) console.log(`  worker log: ${l}`);
  await session.release();
}
console.log(JSON.stringify(results));
