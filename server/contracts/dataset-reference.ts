import { z } from 'zod';

/*
 * A training run is only reproducible if every dataset it read can be fetched again byte for byte,
 * so a dataset is named by an immutable version and nothing else. Three forms are accepted:
 *
 *   md5:<32 lowercase hex>[.dir]        DVC content hash (".dir" marks a DVC directory manifest)
 *   s3://<bucket>/<key>?versionId=<id>  one S3 object version (the bucket must have versioning on)
 *   <semver 2.0>                        a release in a dataset registry, e.g. 1.4.2 or 2.0.0-rc.1+b7
 *
 * Anything that can point at different bytes tomorrow (`latest`, `main`, a path, an S3 URL without
 * versionId, a semver range) is refused with a reason and the form to use instead.
 */

export const DATASET_VERSION_KINDS = ['dvc-md5', 's3-version', 'semver'] as const;
export type TDatasetVersionKind = (typeof DATASET_VERSION_KINDS)[number];

export type TDatasetVersionRef =
  | { kind: 'dvc-md5'; md5: string; isDirectory: boolean }
  | { kind: 's3-version'; bucket: string; key: string; versionId: string }
  | {
      kind: 'semver';
      major: number;
      minor: number;
      patch: number;
      prerelease: string[];
      build: string[];
    };

export type TDatasetRefErrorCode =
  | 'empty'
  | 'moving-alias'
  | 'unversioned-location'
  | 's3-missing-version'
  | 's3-invalid-bucket'
  | 's3-invalid-key'
  | 's3-invalid-version'
  | 'semver-range'
  | 'semver-invalid'
  | 'md5-malformed'
  | 'unrecognised';

export class DatasetRefError extends Error {
  readonly code: TDatasetRefErrorCode;
  readonly input: string;

  constructor(code: TDatasetRefErrorCode, input: string, message: string) {
    super(message);
    this.name = 'DatasetRefError';
    this.code = code;
    this.input = input;
  }
}

export type TDatasetRefParseResult =
  | { ok: true; ref: TDatasetVersionRef }
  | { ok: false; error: DatasetRefError };

const ACCEPTED_FORMS =
  'use md5:<32 hex> (DVC), s3://bucket/key?versionId=<id> (S3 object version) or an exact semver such as 1.4.2 (registry)';

// Names people use for "whatever is newest"; matched case-insensitively after stripping a
// refs/heads/, refs/tags/ or origin/ prefix, so git-style spellings are caught too.
const MOVING_ALIASES = new Set([
  'latest',
  'newest',
  'current',
  'head',
  'tip',
  'main',
  'master',
  'trunk',
  'dev',
  'devel',
  'develop',
  'development',
  'stable',
  'nightly',
  'edge',
  'canary',
  'beta',
  'alpha',
  'next',
  'release',
  'prod',
  'production',
  'staging',
  'default',
]);

const MD5_PREFIX = 'md5:';
const MD5_RE = /^[0-9a-f]{32}$/;
const S3_PREFIX = 's3://';
const S3_KEY_MAX_BYTES = 1024;

const NUMERIC_ID = '0|[1-9]\\d*';
const PRERELEASE_ID = `(?:${NUMERIC_ID}|\\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
// The regular expression published on semver.org for SemVer 2.0.0, without a leading "v".
const SEMVER_RE = new RegExp(
  `^(${NUMERIC_ID})\\.(${NUMERIC_ID})\\.(${NUMERIC_ID})` +
    `(?:-(${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*))?` +
    `(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$`,
);
// Operators, wildcards and partial versions all name a set of releases, not one release.
function isSemverRange(input: string): boolean {
  if (/^(?:[\^~]\s*v?[\dxX*]|[<>=])/.test(input) || input.includes('||') || /\s-\s/.test(input)) return true;
  const partial = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$/.exec(input);
  if (!partial) return false;
  const parts = partial.slice(1).filter((part) => part !== undefined);
  return parts.length < 3 || parts.some((part) => /^[xX*]$/.test(part));
}

function fail(code: TDatasetRefErrorCode, input: string, message: string): TDatasetRefParseResult {
  return { ok: false, error: new DatasetRefError(code, input, message) };
}

function parseMd5(input: string): TDatasetRefParseResult {
  const body = input.slice(MD5_PREFIX.length);
  const isDirectory = body.endsWith('.dir');
  const hex = isDirectory ? body.slice(0, -'.dir'.length) : body;
  if (MD5_RE.test(hex)) return { ok: true, ref: { kind: 'dvc-md5', md5: hex, isDirectory } };
  if (/^[0-9a-fA-F]{32}$/.test(hex)) {
    return fail(
      'md5-malformed',
      input,
      `"${input}" is not a canonical DVC md5: write the 32 hex digits in lowercase (md5:${hex.toLowerCase()}${isDirectory ? '.dir' : ''})`,
    );
  }
  return fail(
    'md5-malformed',
    input,
    `"${input}" is not a DVC md5: expected md5: followed by exactly 32 lowercase hex digits (optionally .dir), got ${hex.length} character(s); copy the md5 from the .dvc file or dvc.lock`,
  );
}

function s3BucketProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(bucket)) return 'may contain only lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9]/.test(bucket) || !/[a-z0-9]$/.test(bucket)) return 'must begin and end with a letter or digit';
  if (bucket.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(bucket)) return 'must not be formatted as an IP address';
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) {
    if (bucket.startsWith(prefix)) return `must not start with "${prefix}"`;
  }
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) {
    if (bucket.endsWith(suffix)) return `must not end with "${suffix}"`;
  }
  return undefined;
}

function parseS3(input: string): TDatasetRefParseResult {
  const rest = input.slice(S3_PREFIX.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest.split('?')[0] ?? '' : rest.slice(0, slash);
  const bucketProblem = s3BucketProblem(bucket);
  if (bucketProblem) {
    return fail('s3-invalid-bucket', input, `"${input}": S3 bucket name "${bucket}" ${bucketProblem}`);
  }
  const afterBucket = slash === -1 ? '' : rest.slice(slash + 1);
  const question = afterBucket.indexOf('?');
  const key = question === -1 ? afterBucket : afterBucket.slice(0, question);
  const query = question === -1 ? undefined : afterBucket.slice(question + 1);

  if (key === '') {
    return fail(
      's3-invalid-key',
      input,
      `"${input}" names a bucket, not an object: a dataset version must be one object, s3://${bucket}/<key>?versionId=<id>`,
    );
  }
  if (key.endsWith('/')) {
    return fail(
      's3-invalid-key',
      input,
      `"${input}" names a prefix ("folder"), whose contents can change; reference one object (for example a manifest) with ?versionId=<id>`,
    );
  }
  if (new TextEncoder().encode(key).length > S3_KEY_MAX_BYTES) {
    return fail('s3-invalid-key', input, `"${input}": S3 object keys are at most ${S3_KEY_MAX_BYTES} bytes`);
  }
  if (query === undefined || !query.startsWith('versionId=')) {
    return fail(
      's3-missing-version',
      input,
      `"${input}" has no versionId, so the object can be overwritten; append ?versionId=<id> (see aws s3api list-object-versions)`,
    );
  }
  const versionId = query.slice('versionId='.length);
  if (versionId === '') {
    return fail('s3-missing-version', input, `"${input}" has an empty versionId; give the object's version id`);
  }
  if (/[\s&?#]/.test(versionId)) {
    return fail(
      's3-invalid-version',
      input,
      `"${input}": the query must be exactly versionId=<id>, with no other parameters or whitespace`,
    );
  }
  // S3 gives the version id "null" to objects written while versioning was off or suspended, and
  // such an object is replaced in place by the next write, so it is not immutable.
  if (versionId === 'null') {
    return fail(
      's3-invalid-version',
      input,
      `"${input}": versionId=null is the unversioned slot that the next write overwrites; enable versioning on the bucket and use the real version id`,
    );
  }
  return { ok: true, ref: { kind: 's3-version', bucket, key, versionId } };
}

function parseSemver(input: string): TDatasetRefParseResult | undefined {
  const match = SEMVER_RE.exec(input);
  if (!match) return undefined;
  const [, major, minor, patch, prerelease, build] = match;
  return {
    ok: true,
    ref: {
      kind: 'semver',
      major: Number(major),
      minor: Number(minor),
      patch: Number(patch),
      prerelease: prerelease ? prerelease.split('.') : [],
      build: build ? build.split('.') : [],
    },
  };
}

function stripRefPrefix(input: string): string {
  return input.replace(/^(?:refs\/(?:heads|tags|remotes\/[^/]+)\/|origin\/)/i, '');
}

function isMovingAlias(input: string): boolean {
  if (/^refs\//i.test(input) || input.includes('@{')) return true;
  const alias = stripRefPrefix(input).toLowerCase();
  if (/^head(?:[~^]\d*)+$/.test(alias)) return true;
  // "latest-stable", "main_dev", "v2-latest": every part moves, or one part says "latest".
  const tokens = alias.split(/[-_.]/).filter((token) => token !== '');
  return tokens.length > 0 && (tokens.every((token) => MOVING_ALIASES.has(token)) || tokens.includes('latest'));
}

export function tryParseDatasetVersionRef(input: string): TDatasetRefParseResult {
  if (input.trim() === '') return fail('empty', input, `a dataset version is required; ${ACCEPTED_FORMS}`);
  if (input !== input.trim()) {
    return fail('unrecognised', input, `"${input}" has leading or trailing whitespace; remove it`);
  }

  if (input.toLowerCase().startsWith(MD5_PREFIX)) {
    if (!input.startsWith(MD5_PREFIX)) {
      return fail('md5-malformed', input, `"${input}": write the prefix in lowercase, md5:`);
    }
    return parseMd5(input);
  }
  if (input.startsWith(S3_PREFIX)) return parseS3(input);

  const semver = parseSemver(input);
  if (semver) return semver;

  if (isMovingAlias(input)) {
    return fail(
      'moving-alias',
      input,
      `"${input}" is a moving name that points at different data over time, so the run could not be reproduced; ${ACCEPTED_FORMS}`,
    );
  }
  if (/^v\d+\.\d+\.\d+/.test(input) && SEMVER_RE.test(input.slice(1))) {
    return fail('semver-invalid', input, `"${input}": write the version without the leading "v" (${input.slice(1)})`);
  }
  if (isSemverRange(input)) {
    return fail(
      'semver-range',
      input,
      `"${input}" is a version range (or a partial version, which means a range) and can resolve to a newer release later; pin one exact version such as 1.4.2`,
    );
  }
  if (/^\d+\.\d+\.\d+/.test(input)) {
    return fail(
      'semver-invalid',
      input,
      `"${input}" is not a valid semantic version (MAJOR.MINOR.PATCH[-prerelease][+build], no leading zeros)`,
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input) || input.includes('/') || /^[.~]/.test(input)) {
    return fail(
      'unversioned-location',
      input,
      `"${input}" is a location, and the bytes at a location can change; ${ACCEPTED_FORMS}`,
    );
  }
  if (/^[0-9a-fA-F]{32}$/.test(input)) {
    return fail('md5-malformed', input, `"${input}" looks like a DVC md5; write it as md5:${input.toLowerCase()}`);
  }
  return fail('unrecognised', input, `"${input}" is not an immutable dataset version; ${ACCEPTED_FORMS}`);
}

export function parseDatasetVersionRef(input: string): TDatasetVersionRef {
  const result = tryParseDatasetVersionRef(input);
  if (!result.ok) throw result.error;
  return result.ref;
}

export const ZDatasetVersionRef = z.string().superRefine((value, ctx) => {
  const result = tryParseDatasetVersionRef(value);
  if (!result.ok) ctx.addIssue({ code: 'custom', message: result.error.message, params: { reason: result.error.code } });
});

// Lowercase slug so that the same dataset cannot be registered twice under different casing.
export const DATASET_NAME_RE = /^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$/;
export const FINGERPRINT_RE = /^sha256:[0-9a-f]{64}$/;

export const ZDatasetFingerprint = z
  .string()
  .regex(FINGERPRINT_RE, { error: 'must be sha256: followed by 64 lowercase hex digits' });

export const ZDatasetReference = z
  .strictObject({
    name: z.string().regex(DATASET_NAME_RE, {
      error:
        'must be a lowercase slug: letters, digits, ".", "_" or "-", starting and ending with a letter or digit, at most 128 characters',
    }),
    version: ZDatasetVersionRef,
    fingerprint: ZDatasetFingerprint.optional(),
  })
  .superRefine((ref, ctx) => {
    // A registry release is immutable only by convention, so the content fingerprint is what
    // ties it to bytes; a DVC md5 already is a content hash, and an S3 version id is immutable.
    const parsed = tryParseDatasetVersionRef(ref.version);
    if (parsed.ok && parsed.ref.kind === 'semver' && ref.fingerprint === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['fingerprint'],
        message: 'required for a registry (semver) version: sha256:<64 hex> of the dataset content',
      });
    }
  });

export type TDatasetReference = z.infer<typeof ZDatasetReference>;
