// npm run imports:graph: how deep server/services is stacked, and what a promotion approval passes
// through, counted from the import graph (value imports of non-test files; `import type` adds no
// floor, since it runs nothing). Prints a table, then one JSON object as the last line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseImports, projectFiles, resolveSpec } from './import-rules';

const root = process.cwd();
const files = projectFiles(root, ['server']).filter((f) => !/\.(int\.)?test\.tsx?$/.test(f) && !f.startsWith('server/testing/'));
const known = new Set(files.map((f) => f.replace(/\.tsx?$/, '')));
const edges = new Map<string, string[]>();
for (const f of files) {
  const id = f.replace(/\.tsx?$/, '');
  const refs = parseImports(f, readFileSync(path.join(root, f), 'utf8'), resolveSpec).filter((r) => !r.typeOnly && r.target !== null);
  // A folder import means its index file.
  const targets = refs.map((r) => (known.has(r.target!) ? r.target! : `${r.target!}/index`)).filter((t) => known.has(t));
  edges.set(id, [...new Set(targets)]);
}

const inServices = (id: string) => id.startsWith('server/services/');

/** Floors of a file within `inside`: 1 for a file importing nothing there, else 1 + its highest import. */
function floors(inside: (id: string) => boolean): Map<string, { level: number; chain: string[] }> {
  const memo = new Map<string, { level: number; chain: string[] }>();
  const visit = (id: string, stack: Set<string>): { level: number; chain: string[] } => {
    const hit = memo.get(id);
    if (hit) return hit;
    if (stack.has(id)) throw new Error(`import cycle through ${id}`);
    stack.add(id);
    let best = { level: 1, chain: [id] };
    for (const t of edges.get(id) ?? []) {
      if (!inside(t)) continue;
      const sub = visit(t, stack);
      if (sub.level + 1 > best.level) best = { level: sub.level + 1, chain: [id, ...sub.chain] };
    }
    stack.delete(id);
    memo.set(id, best);
    return best;
  };
  for (const id of edges.keys()) if (inside(id)) visit(id, new Set());
  return memo;
}

function reachable(from: string, inside: (id: string) => boolean): string[] {
  const seen = new Set<string>();
  const walk = (id: string) => {
    for (const t of edges.get(id) ?? []) {
      if (!inside(t) || seen.has(t)) continue;
      seen.add(t);
      walk(t);
    }
  };
  walk(from);
  return [...seen].sort();
}

const serviceFloors = floors(inServices);
const deepest = [...serviceFloors.values()].sort((a, b) => b.level - a.level)[0] ?? { level: 0, chain: [] };
const router = 'server/api/routers/promotions';
const approvalEntry = (edges.get(router) ?? []).find((t) => /promotion-commands$/.test(t));
const approvalChain = approvalEntry ? serviceFloors.get(approvalEntry)! : { level: 0, chain: [] };
const approvalFiles = approvalEntry ? [approvalEntry, ...reachable(approvalEntry, inServices)] : [];
const areas = [...new Set([...serviceFloors.keys()].map((id) => id.split('/')[2]!))].sort();
const topLevel = [...serviceFloors.keys()].filter((id) => id.split('/').length === 3);

const rows: [string, string][] = [
  ['service files', String(serviceFloors.size)],
  ['service areas (folders)', areas.filter((a) => !topLevel.some((t) => t.endsWith(`/${a}`))).join(', ')],
  ['files directly in server/services/', String(topLevel.length)],
  ['import depth of server/services (floors)', String(deepest.level)],
  ['  deepest chain', deepest.chain.map((c) => c.replace('server/services/', '')).join(' -> ')],
  ['promotion approval: floors beyond the router', String(approvalChain.level)],
  ['  its chain', approvalChain.chain.map((c) => c.replace('server/services/', '')).join(' -> ')],
  ['  service files it can reach', String(approvalFiles.length)],
  ['  which', approvalFiles.map((c) => c.replace('server/services/', '')).join(', ')],
];
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
console.log(
  JSON.stringify({
    serviceFiles: serviceFloors.size,
    topLevelServiceFiles: topLevel.length,
    serviceImportDepth: deepest.level,
    deepestChain: deepest.chain,
    approvalFloorsBeyondRouter: approvalChain.level,
    approvalChain: approvalChain.chain,
    approvalReachableServiceFiles: approvalFiles.length,
  }),
);
