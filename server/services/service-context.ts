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

/** The use-case's clock: injected in tests and jobs, else now. */
export const nowOf = (ctx: Pick<ServiceContext, 'now'>) => ctx.now?.() ?? new Date();
