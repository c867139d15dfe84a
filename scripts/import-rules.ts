import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The architecture of STYLE.md as data: contracts <- domain <- services <- api/rest <- app;
 * the worker sees contracts and domain only; only inference-worker/ loads onnxruntime-node;
 * nothing in app/ or components/ reaches server/db. Modules only the worker uses live in
 * inference-worker/, which the control plane never imports; server/synthetic/ (seeded random
 * numbers, ONNX models written by hand) serves the demo, gpu-check and tests, never the product.
 */
export interface ImportRef {
  from: string; // repo-relative file
  spec: string; // as written
  target: string | null; // repo-relative path for project files, null for packages
  typeOnly: boolean;
}

type Rule = { applies: (file: string) => boolean; check: (ref: ImportRef) => string | null };

const under = (dir: string) => (p: string | null) => p !== null && (p === dir || p.startsWith(`${dir}/`));
const isPkg = (ref: ImportRef, ...names: string[]) => ref.target === null && names.some((n) => ref.spec === n || ref.spec.startsWith(`${n}/`));

const inContracts = under('server/contracts');
const inDomain = under('server/domain');
const inServices = under('server/services');
const inDb = under('server/db');
const inApi = under('server/api');
const inRest = under('server/rest');
const inApp = under('app');
const inComponents = under('components');
const inWorker = under('inference-worker');
const inSynthetic = under('server/synthetic');
// Contracts, domain and synthetic list what they may import; every other layer of the control plane is checked here.
const inControlPlane = (f: string) => (f.startsWith('server/') && !inContracts(f) && !inDomain(f) && !inSynthetic(f)) || inApp(f) || inComponents(f);
const inWorkerTesting = under('inference-worker/testing');

export const RULES: Rule[] = [
  {
    applies: inContracts,
    check: (r) => (r.target ? (inContracts(r.target) ? null : 'contracts import only other contracts') : isPkg(r, 'zod') ? null : 'contracts import only zod'),
  },
  {
    applies: inDomain,
    check: (r) => {
      if (r.target) return inContracts(r.target) || inDomain(r.target) ? null : 'domain imports only contracts and domain';
      return isPkg(r, 'zod', 'yaml') || r.spec === 'node:crypto' ? null : `domain stays pure: no ${r.spec}`;
    },
  },
  {
    applies: inServices,
    check: (r) =>
      r.target && (inApi(r.target) || inRest(r.target) || inApp(r.target) || inComponents(r.target))
        ? 'services never import transport (api, rest, app, components)'
        : isPkg(r, 'next', '@trpc/server')
          ? 'services never import transport packages'
          : null,
  },
  {
    applies: (f) => inApi(f),
    check: (r) => (r.target && (inRest(r.target) || inApp(r.target)) ? 'tRPC routers do not import REST or app code' : null),
  },
  {
    applies: (f) => inRest(f),
    check: (r) => (r.target && (inApi(r.target) || inApp(r.target)) ? 'REST wrappers do not import tRPC or app code' : null),
  },
  {
    applies: (f) => inApp(f) || inComponents(f),
    check: (r) => (r.target && inDb(r.target) && !r.typeOnly ? 'app/ and components/ never import server/db' : null),
  },
  {
    applies: inComponents,
    check: (r) => {
      if (!r.target || r.typeOnly || !r.target.startsWith('server/')) return null;
      return inContracts(r.target) || inDomain(r.target) || r.target === 'server/auth/permissions'
        ? null
        : 'components import server code as types only (contracts, domain and the permission table excepted)';
    },
  },
  {
    applies: inWorker,
    check: (r) => {
      if (r.target) {
        if (inWorker(r.target) || inContracts(r.target) || inDomain(r.target)) return null;
        if (inSynthetic(r.target) && inWorkerTesting(r.from)) return null;
        return 'the worker sees only server/contracts and server/domain (its test harness also server/synthetic)';
      }
      return isPkg(r, 'next', '@prisma', 'pg', '@trpc', 'next-auth', 'react') ? `the worker never imports ${r.spec}` : null;
    },
  },
  {
    applies: (f) => !inWorker(f),
    check: (r) => (isPkg(r, 'onnxruntime-node', 'onnxruntime-common') ? 'only inference-worker/ imports onnxruntime-node' : null),
  },
  {
    applies: (f) => inControlPlane(f),
    check: (r) => (r.target && inWorker(r.target) ? 'the control plane never imports inference-worker/ (share through contracts or domain)' : null),
  },
  {
    applies: inSynthetic,
    check: (r) => (r.target ? (inSynthetic(r.target) ? null : 'synthetic builders import only each other') : `synthetic builders stay self-contained: no ${r.spec}`),
  },
  {
    applies: (f) => inControlPlane(f),
    check: (r) => (r.target && inSynthetic(r.target) ? 'server/synthetic is for the demo, gpu-check and tests, never the product' : null),
  },
];

const IMPORT_RE = /(?:^|[\s;])(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function parseImports(file: string, source: string, resolve: (from: string, spec: string) => string | null): ImportRef[] {
  const refs: ImportRef[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(IMPORT_RE)) {
    const spec = m[3] ?? m[4];
    if (!spec) continue;
    refs.push({ from: file, spec, target: resolve(file, spec), typeOnly: Boolean(m[2]) });
  }
  return refs;
}

export function resolveSpec(from: string, spec: string): string | null {
  if (spec.startsWith('@/')) return normalise(spec.slice(2));
  if (spec.startsWith('.')) return normalise(path.posix.join(path.posix.dirname(from), spec));
  return null;
}

function normalise(p: string): string {
  return path.posix.normalize(p).replace(/\.(tsx?|mjs|js)$/, '');
}

export function violations(refs: ImportRef[]): string[] {
  const out: string[] = [];
  for (const ref of refs) {
    for (const rule of RULES) {
      if (!rule.applies(ref.from)) continue;
      const problem = rule.check(ref);
      if (problem) out.push(`${ref.from}: imports '${ref.spec}': ${problem}`);
    }
  }
  return out;
}

const SKIP = new Set(['node_modules', '.next', '.ballast', 'generated', '.git']);

export function projectFiles(root: string, dirs = ['server', 'app', 'components', 'inference-worker']): string[] {
  const files: string[] = [];
  const walk = (rel: string) => {
    let entries: string[];
    try {
      entries = readdirSync(path.join(root, rel));
    } catch {
      return;
    }
    for (const name of entries) {
      if (SKIP.has(name)) continue;
      const child = path.posix.join(rel, name);
      if (statSync(path.join(root, child)).isDirectory()) walk(child);
      else if (/\.(tsx?|mts)$/.test(name) && !/\.d\.ts$/.test(name)) files.push(child);
    }
  };
  dirs.forEach(walk);
  return files;
}

export function checkProject(root: string): string[] {
  const refs = projectFiles(root).flatMap((f) => parseImports(f, readFileSync(path.join(root, f), 'utf8'), resolveSpec));
  // Tests and test harnesses may reach across layers to set up what they check.
  return violations(refs.filter((r) => !/\.(int\.)?test\.tsx?$/.test(r.from) && !r.from.startsWith('server/testing/')));
}
