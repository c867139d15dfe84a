import { describe, expect, it } from 'vitest';
import {
  DatasetRefError,
  parseDatasetVersionRef,
  tryParseDatasetVersionRef,
  ZDatasetReference,
  ZDatasetVersionRef,
  type TDatasetRefErrorCode,
} from './dataset-reference';

// md5("") = d41d8cd98f00b204e9800998ecf8427e, a well-known value with exactly 32 hex digits.
const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
// sha256("") = e3b0c442...b855, 64 hex digits.
const SHA256 = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function refusal(input: string): { code: TDatasetRefErrorCode; message: string } {
  const result = tryParseDatasetVersionRef(input);
  if (result.ok) throw new Error(`expected "${input}" to be refused`);
  return { code: result.error.code, message: result.error.message };
}

describe('parseDatasetVersionRef: accepted immutable forms', () => {
  it('parses a DVC md5 and a DVC directory md5', () => {
    expect(parseDatasetVersionRef(`md5:${MD5}`)).toEqual({ kind: 'dvc-md5', md5: MD5, isDirectory: false });
    expect(parseDatasetVersionRef(`md5:${MD5}.dir`)).toEqual({ kind: 'dvc-md5', md5: MD5, isDirectory: true });
  });

  it('parses an S3 object version', () => {
    expect(parseDatasetVersionRef('s3://ml-data.eu/train/part-0001.parquet?versionId=3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY')).toEqual({
      kind: 's3-version',
      bucket: 'ml-data.eu',
      key: 'train/part-0001.parquet',
      versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
    });
  });

  it('parses strict semver 2.0 with prerelease and build metadata', () => {
    expect(parseDatasetVersionRef('1.4.2')).toEqual({
      kind: 'semver',
      major: 1,
      minor: 4,
      patch: 2,
      prerelease: [],
      build: [],
    });
    expect(parseDatasetVersionRef('0.0.0-alpha.1.x-y+exp.sha.5114f85')).toEqual({
      kind: 'semver',
      major: 0,
      minor: 0,
      patch: 0,
      prerelease: ['alpha', '1', 'x-y'],
      build: ['exp', 'sha', '5114f85'],
    });
    // Build identifiers may have leading zeros; numeric prerelease identifiers may not.
    expect(parseDatasetVersionRef('10.20.30+001').kind).toBe('semver');
    expect(parseDatasetVersionRef('1.0.0-0a').kind).toBe('semver');
  });

  it('accepts bucket names at the 3 and 63 character limits', () => {
    expect(parseDatasetVersionRef('s3://abc/k?versionId=v').kind).toBe('s3-version');
    expect(parseDatasetVersionRef(`s3://${'a'.repeat(63)}/k?versionId=v`).kind).toBe('s3-version');
  });
});

describe('parseDatasetVersionRef: mutable references are refused with a reason', () => {
  it.each(['latest', 'LATEST', 'main', 'master', 'HEAD', 'head~2', 'dev', 'develop', 'origin/main', 'refs/heads/feature-x', 'latest-stable', 'v2-latest', 'main@{yesterday}'])(
    'refuses the moving name %s',
    (input) => {
      const { code, message } = refusal(input);
      expect(code).toBe('moving-alias');
      expect(message).toMatch(/moving name/);
      expect(message).toMatch(/md5:<32 hex>/);
    },
  );

  it.each(['data/train.csv', './train', '~/datasets/x', 'gs://bucket/x', 'https://example.com/x.zip', '/mnt/data'])(
    'refuses the bare location %s',
    (input) => {
      const { code, message } = refusal(input);
      expect(code).toBe('unversioned-location');
      expect(message).toMatch(/location/);
    },
  );

  it('refuses an S3 URL without a version id and says how to get one', () => {
    const { code, message } = refusal('s3://ml-data/train.parquet');
    expect(code).toBe('s3-missing-version');
    expect(message).toMatch(/overwritten/);
    expect(message).toMatch(/\?versionId=/);
    expect(refusal('s3://ml-data/train.parquet?versionId=').code).toBe('s3-missing-version');
    expect(refusal('s3://ml-data/train.parquet?other=1').code).toBe('s3-missing-version');
  });

  it('refuses versionId=null, extra query parameters, bucket-only and prefix URLs', () => {
    expect(refusal('s3://ml-data/train.parquet?versionId=null').code).toBe('s3-invalid-version');
    expect(refusal('s3://ml-data/train.parquet?versionId=abc&x=1').code).toBe('s3-invalid-version');
    expect(refusal('s3://ml-data?versionId=abc').code).toBe('s3-invalid-key');
    expect(refusal('s3://ml-data/?versionId=abc').code).toBe('s3-invalid-key');
    expect(refusal('s3://ml-data/train/?versionId=abc').message).toMatch(/prefix/);
  });

  it.each([
    ['ab', /3 to 63/],
    ['a'.repeat(64), /3 to 63/],
    ['My-Bucket', /lowercase/],
    ['-bucket', /begin and end/],
    ['bucket-', /begin and end/],
    ['my..bucket', /adjacent dots/],
    ['192.168.5.4', /IP address/],
    ['xn--bucket', /xn--/],
    ['bucket-s3alias', /-s3alias/],
  ])('refuses the S3 bucket name %s', (bucket, reason) => {
    const { code, message } = refusal(`s3://${bucket}/key?versionId=v1`);
    expect(code).toBe('s3-invalid-bucket');
    expect(message).toMatch(reason);
  });

  it('refuses an S3 key longer than 1024 bytes (UTF-8)', () => {
    // "é" is 2 bytes in UTF-8, so 513 of them are 1026 bytes although only 513 characters.
    expect(refusal(`s3://bucket/${'é'.repeat(513)}?versionId=v`).code).toBe('s3-invalid-key');
    expect(parseDatasetVersionRef(`s3://bucket/${'é'.repeat(512)}?versionId=v`).kind).toBe('s3-version');
  });

  it.each(['^1.2', '~1.2.3', '>=1', '<2.0.0', '=1.2.3', '1.x', '1.2.X', '1.*', '*', 'x', '1', '1.2', '1.2.3 - 2.0.0', '1.2.3 || 2.0.0'])(
    'refuses the semver range %s',
    (input) => {
      const { code, message } = refusal(input);
      expect(code).toBe('semver-range');
      expect(message).toMatch(/range/);
      expect(message).toMatch(/1\.4\.2/);
    },
  );

  it('refuses invalid semver with a specific hint', () => {
    expect(refusal('v1.2.3')).toMatchObject({ code: 'semver-invalid', message: expect.stringMatching(/leading "v"/) });
    expect(refusal('01.2.3').code).toBe('semver-invalid');
    expect(refusal('1.2.3-01').code).toBe('semver-invalid');
    expect(refusal('1.2.3-').code).toBe('semver-invalid');
    expect(refusal('1.2.3.4').code).toBe('semver-invalid');
  });

  it('refuses an md5 of the wrong length, naming the length', () => {
    const short = refusal(`md5:${MD5.slice(0, 31)}`);
    expect(short.code).toBe('md5-malformed');
    expect(short.message).toMatch(/exactly 32/);
    expect(short.message).toMatch(/got 31/);
    expect(refusal(`md5:${MD5}0`).message).toMatch(/got 33/);
    expect(refusal('md5:').message).toMatch(/got 0/);
    expect(refusal(`md5:${MD5.slice(0, 31)}g`).code).toBe('md5-malformed');
  });

  it('refuses uppercase md5 and a bare md5, suggesting the canonical spelling', () => {
    expect(refusal(`md5:${MD5.toUpperCase()}`).message).toContain(`md5:${MD5}`);
    expect(refusal(`MD5:${MD5}`).code).toBe('md5-malformed');
    expect(refusal(MD5).message).toContain(`md5:${MD5}`);
  });

  it('refuses empty, padded and unknown strings', () => {
    expect(refusal('').code).toBe('empty');
    expect(refusal('   ').code).toBe('empty');
    expect(refusal(' 1.4.2').code).toBe('unrecognised');
    expect(refusal('snapshot-2024').code).toBe('unrecognised');
  });

  it('throws a DatasetRefError from parseDatasetVersionRef', () => {
    expect(() => parseDatasetVersionRef('latest')).toThrow(DatasetRefError);
  });
});

describe('ZDatasetVersionRef and ZDatasetReference', () => {
  it('carries the refusal reason as the zod issue message', () => {
    const result = ZDatasetVersionRef.safeParse('latest');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/moving name/);
    expect(ZDatasetVersionRef.parse('1.4.2')).toBe('1.4.2');
  });

  it('accepts DVC and S3 references without a fingerprint', () => {
    expect(ZDatasetReference.safeParse({ name: 'imagenet-1k', version: `md5:${MD5}.dir` }).success).toBe(true);
    expect(ZDatasetReference.safeParse({ name: 'clicks', version: 's3://b12/k?versionId=v' }).success).toBe(true);
  });

  it('requires a fingerprint for a registry (semver) version', () => {
    const missing = ZDatasetReference.safeParse({ name: 'reviews', version: '1.4.2' });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.path).toEqual(['fingerprint']);
    expect(ZDatasetReference.safeParse({ name: 'reviews', version: '1.4.2', fingerprint: SHA256 }).success).toBe(true);
  });

  it('validates the name slug, the fingerprint format and unknown keys', () => {
    const base = { version: `md5:${MD5}` };
    expect(ZDatasetReference.safeParse({ ...base, name: 'Reviews' }).success).toBe(false);
    expect(ZDatasetReference.safeParse({ ...base, name: '-reviews' }).success).toBe(false);
    expect(ZDatasetReference.safeParse({ ...base, name: 'a'.repeat(129) }).success).toBe(false);
    expect(ZDatasetReference.safeParse({ ...base, name: 'a'.repeat(128) }).success).toBe(true);
    expect(ZDatasetReference.safeParse({ ...base, name: 'r', fingerprint: SHA256.toUpperCase() }).success).toBe(false);
    expect(ZDatasetReference.safeParse({ ...base, name: 'r', fingerprint: `sha256:${MD5}` }).success).toBe(false);
    expect(ZDatasetReference.safeParse({ ...base, name: 'r', path: 'x' }).success).toBe(false);
  });
});
