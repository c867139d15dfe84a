import { randomUUID } from 'node:crypto';

/*
 * MLflow shows run ids as 32 lowercase hex digits (uuid4().hex); the database stores a uuid.
 * Anything that is not 32 hex digits cannot name a run, which callers report as "not found".
 */
const HEX32_RE = /^[0-9a-f]{32}$/;

export function newRunId(): string {
  return randomUUID().replace(/-/g, '');
}

export function runIdToUuid(runId: string): string | null {
  const hex = runId.trim().toLowerCase();
  if (!HEX32_RE.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function uuidToRunId(uuid: string): string {
  return uuid.replace(/-/g, '').toLowerCase();
}
