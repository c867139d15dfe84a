import { z } from 'zod';

/** What an API token may be granted (server/auth/permissions.ts maps each to resource scopes). */
export const ZTokenScope = z.enum(['ingest', 'worker', 'metrics', 'admin']);

export const ZCreateApiTokenInput = z.object({
  name: z.string().trim().min(1, 'is required').max(100),
  scopes: z.array(ZTokenScope).min(1, 'needs at least one scope'),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type TCreateApiTokenInput = z.infer<typeof ZCreateApiTokenInput>;

export const ZApiTokenView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  createdBy: z.string(),
});
export type TApiTokenView = z.infer<typeof ZApiTokenView>;
