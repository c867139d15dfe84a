import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { BALLAST_VERSION } from './version';

it('BALLAST_VERSION matches package.json', () => {
  expect(BALLAST_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
});
