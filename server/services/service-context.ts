import { randomUUID } from 'node:crypto';
import type { TPrincipal } from '../auth/principal';
import type { Db } from '../db/client';

/** Everything a use-case needs from its caller: the database, who acts, and the request's id for the audit trail. */
export interface ServiceContext {
  db: Db;
  actor: TPrincipal;
  requestId: string;
  now?: () => Date;
}

export function newRequestId(): string {
  return randomUUID();
}
