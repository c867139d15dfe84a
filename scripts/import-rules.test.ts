import { describe, expect, it } from 'vitest';
import { parseImports, resolveSpec, violations } from './import-rules';

function check(file: string, source: string) {
  return violations(parseImports(file, source, resolveSpec));
}

describe('import rules', () => {
  it('let each layer import what STYLE.md allows', () => {
    expect(check('server/domain/gates.ts', "import { z } from 'zod';\nimport { ZX } from '../contracts/x';")).toEqual([]);
    expect(check('server/services/promote.ts', "import { db } from '../db/client';\nimport { gate } from '@/server/domain/gates';")).toEqual([]);
    expect(check('app/page.tsx', "import type { Db } from '@/server/db/client';")).toEqual([]);
    expect(check('components/x.tsx', "import type { AppRouter } from '@/server/api/root';\nimport { hasScope } from '@/server/auth/permissions';")).toEqual([]);
    expect(check('inference-worker/main.ts', "import * as ort from 'onnxruntime-node';\nimport { ZPredict } from '../server/contracts/predict';")).toEqual([]);
  });

  it('fail when a layer reaches the wrong way', () => {
    expect(check('server/contracts/x.ts', "import { db } from '../db/client';")).toHaveLength(1);
    expect(check('server/domain/x.ts', "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(check('server/domain/x.ts', "import { createUser } from '../services/create-user';")).toHaveLength(1);
    expect(check('server/services/x.ts', "import { appRouter } from '../api/root';")).toHaveLength(1);
    expect(check('app/(app)/page.tsx', "import { db } from '@/server/db/client';")).toHaveLength(1);
    expect(check('components/table.tsx', "import { listUsers } from '@/server/services/list-users';")).toHaveLength(1);
    expect(check('inference-worker/main.ts', "import { listUsers } from '../server/services/list-users';")).toHaveLength(1);
    expect(check('inference-worker/main.ts', "import { PrismaClient } from '@prisma/client';")).toHaveLength(1);
    expect(check('server/services/x.ts', "const ort = await import('onnxruntime-node');")).toHaveLength(1);
  });

  it('keep worker-only modules in the worker and synthetic builders out of the product', () => {
    expect(check('inference-worker/predict-routes.ts', "import { packRows } from './predict-input';")).toEqual([]);
    expect(check('inference-worker/testing/onnx-mlp.ts', "import { encodeMlpOnnx } from '../../server/synthetic/onnx-mlp-writer';")).toEqual([]);
    expect(check('server/synthetic/onnx-mlp-writer.ts', "import { seededRandom } from './seeded-random';")).toEqual([]);

    expect(check('server/services/x.ts', "import { packRows } from '../../inference-worker/predict-input';")).toEqual([
      "server/services/x.ts: imports '../../inference-worker/predict-input': the control plane never imports inference-worker/ (share through contracts or domain)",
    ]);
    expect(check('components/x.tsx', "import type { BatchPolicy } from '@/inference-worker/batch-policy';")).toHaveLength(1);
    expect(check('inference-worker/worker.ts', "import { seededRandom } from '../server/synthetic/seeded-random';")).toHaveLength(1);
    expect(check('server/services/x.ts', "import { seededRandom } from '../synthetic/seeded-random';")).toEqual([
      "server/services/x.ts: imports '../synthetic/seeded-random': server/synthetic is for the demo, gpu-check and tests, never the product",
    ]);
    expect(check('server/domain/x.ts', "import { seededRandom } from '../synthetic/seeded-random';")).toHaveLength(1);
    expect(check('server/synthetic/x.ts', "import { DomainError } from '../domain/errors';")).toHaveLength(1);
    expect(check('server/synthetic/x.ts', "import { readFileSync } from 'node:fs';")).toHaveLength(1);
  });

  it('ignore imports inside comments', () => {
    expect(check('server/contracts/x.ts', "// import { db } from '../db/client';\n/* import x from 'pg' */")).toEqual([]);
  });
});
