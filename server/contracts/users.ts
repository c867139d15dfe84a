import { z } from 'zod';

export const ZRole = z.enum(['viewer', 'engineer', 'admin']);
export const ZEmail = z.string().trim().toLowerCase().email('must be an email address').max(254);

export const ZCreateUserInput = z.object({
  email: ZEmail,
  name: z.string().trim().max(200).optional(),
  role: ZRole,
  password: z.string().min(8, 'must be at least 8 characters').max(1024),
});
export type TCreateUserInput = z.infer<typeof ZCreateUserInput>;

export const ZSignInInput = z.object({
  email: ZEmail,
  password: z.string().min(1, 'is required').max(1024),
});
