import { DomainError } from './errors';

/*
 * Artifact paths are relative POSIX paths inside a run. Anything that could climb out of the run
 * (".."), address the filesystem root (a leading "/"), hide a different name from a C library
 * (NUL) or mean a separator on Windows ("\") is refused, so a path can never escape the run's
 * namespace whatever store sits behind it. "." segments and empty segments ("a//b") are refused
 * too rather than normalised, so one artifact has exactly one spelling.
 */
export function artifactPathProblem(path: string, { allowEmpty = false } = {}): string | undefined {
  if (path === '') return allowEmpty ? undefined : 'must not be empty';
  if (path.includes('\0')) return 'must not contain a NUL character';
  if (path.includes('\\')) return 'must not contain a backslash; use "/" between segments';
  if (path.startsWith('/')) return 'must be relative (no leading "/")';
  const segments = path.replace(/\/$/, '').split('/');
  if (segments.includes('..')) return 'must not contain ".." segments';
  if (segments.includes('.')) return 'must not contain "." segments';
  if (segments.includes('')) return 'must not contain empty segments ("//")';
  if (path.length > 1024) return 'must be at most 1024 characters';
  return undefined;
}

/** The canonical form of a valid path (no trailing "/"), or a 400 naming the rule broken. */
export function checkArtifactPath(path: string, options: { allowEmpty?: boolean; what?: string } = {}): string {
  const problem = artifactPathProblem(path, options);
  if (problem) throw new DomainError('BAD_REQUEST', `invalid artifact path ${JSON.stringify(path)}: ${options.what ?? 'the path'} ${problem}`);
  return path.replace(/\/$/, '');
}

export type TArtifactListEntry = { path: string; isDir: boolean; size: number | null };

/** The direct children of `dir` among a run's artifact paths: files, and folders that hold files. */
export function listArtifactChildren(files: readonly { path: string; size: number }[], dir: string): TArtifactListEntry[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  const children = new Map<string, TArtifactListEntry>();
  for (const file of files) {
    if (!file.path.startsWith(prefix)) continue;
    const rest = file.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) children.set(file.path, { path: file.path, isDir: false, size: file.size });
    else {
      const folder = prefix + rest.slice(0, slash);
      if (!children.has(folder)) children.set(folder, { path: folder, isDir: true, size: null });
    }
  }
  return [...children.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
