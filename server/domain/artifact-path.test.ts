import { describe, expect, it } from 'vitest';
import { artifactPathProblem, checkArtifactPath, listArtifactChildren } from './artifact-path';
import { diffConfigs } from './config-diff';

describe('artifact paths', () => {
  it('accept relative POSIX paths and normalise a trailing slash', () => {
    expect(checkArtifactPath('model/weights.onnx')).toBe('model/weights.onnx');
    expect(checkArtifactPath('model/', { allowEmpty: true })).toBe('model');
    expect(checkArtifactPath('', { allowEmpty: true })).toBe('');
  });

  it('refuse "..", a leading "/", NUL, backslashes, "." and empty segments, naming the rule', () => {
    expect(artifactPathProblem('a/../b')).toMatch(/".."/);
    expect(artifactPathProblem('..')).toMatch(/".."/);
    expect(artifactPathProblem('/etc/passwd')).toMatch(/leading "\/"/);
    expect(artifactPathProblem('a\0b')).toMatch(/NUL/);
    expect(artifactPathProblem('a\\b')).toMatch(/backslash/);
    expect(artifactPathProblem('./a')).toMatch(/"\."/);
    expect(artifactPathProblem('a//b')).toMatch(/empty segments/);
    expect(artifactPathProblem('')).toMatch(/empty/);
    expect(() => checkArtifactPath('../x')).toThrow(/invalid artifact path/);
  });

  it('list the direct children of a folder', () => {
    const files = [
      { path: 'a.txt', size: 1 },
      { path: 'model/w.bin', size: 2 },
      { path: 'model/sub/x', size: 3 },
    ];
    expect(listArtifactChildren(files, '')).toEqual([
      { path: 'a.txt', isDir: false, size: 1 },
      { path: 'model', isDir: true, size: null },
    ]);
    expect(listArtifactChildren(files, 'model')).toEqual([
      { path: 'model/sub', isDir: true, size: null },
      { path: 'model/w.bin', isDir: false, size: 2 },
    ]);
  });
});

describe('diffConfigs', () => {
  it('flattens to dotted paths and marks keys that differ or are missing', () => {
    const rows = diffConfigs([
      { optimizer: { name: 'adamw', learning_rate: 0.1 }, seed: 1, datasets: [{ name: 'a' }] },
      { optimizer: { name: 'adamw', learning_rate: 0.2 }, seed: 1, datasets: [{ name: 'a' }], extra: { note: 'x' } },
    ]);
    expect(rows).toEqual([
      { path: 'datasets', values: [[{ name: 'a' }], [{ name: 'a' }]], changed: false },
      { path: 'extra.note', values: [null, 'x'], changed: true },
      { path: 'optimizer.learning_rate', values: [0.1, 0.2], changed: true },
      { path: 'optimizer.name', values: ['adamw', 'adamw'], changed: false },
      { path: 'seed', values: [1, 1], changed: false },
    ]);
    expect(diffConfigs([null, { a: 1 }])).toEqual([{ path: 'a', values: [null, 1], changed: true }]);
  });
});
