import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIN_PASSWORD_LENGTH } from '../contracts/users';
import { DomainError } from '../domain/errors';

// Read from the working directory (where `npm start`, the scripts and the tests run) rather than
// bundled: the list is data, reviewed and extended as a text file. (The comment keeps Next's file
// tracing from treating the whole project as a dependency of this join.)
const LIST_FILE = path.join(/* turbopackIgnore: true */ process.cwd(), 'server', 'auth', 'common-passwords.txt');

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  if (common) return common;
  const lines = readFileSync(LIST_FILE, 'utf8').split('\n');
  common = new Set(lines.map((l) => l.trim().toLowerCase()).filter((l) => l !== '' && !l.startsWith('#')));
  return common;
}

/** Why a new password is refused, or null. Length is also in the contract (ZNewPassword). */
export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (commonPasswords().has(password.trim().toLowerCase())) return 'is on the list of common passwords: choose another';
  return null;
}

/** For user creation, password resets and the CLI: a 400 naming the field and the rule. */
export function assertAcceptablePassword(password: string, field = 'password'): void {
  const problem = passwordProblem(password);
  if (problem) throw new DomainError('BAD_REQUEST', `invalid input: ${field}: ${problem}`, { issues: [`${field}: ${problem}`] });
}
