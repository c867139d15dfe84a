import { z } from 'zod';

export const ZRole = z.enum(['viewer', 'engineer', 'admin']);
export type TRoleName = z.infer<typeof ZRole>;
export const ZEmail = z.string().trim().toLowerCase().email('must be an email address').max(254);

export const MIN_PASSWORD_LENGTH = 12;
/** Length only; the service also refuses passwords on the shipped list of common ones. */
export const ZNewPassword = z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024, 'must be at most 1024 characters');

export const ZCreateUserInput = z.object({
  email: ZEmail,
  name: z.string().trim().max(200).optional(),
  role: ZRole,
  password: ZNewPassword,
});
export type TCreateUserInput = z.infer<typeof ZCreateUserInput>;

export const ZUserId = z.string().uuid('must be a user id');

const userChangeFields = {
  role: ZRole.optional(),
  disabled: z.boolean().optional(),
  reason: z.string().trim().max(500, 'must be at most 500 characters').optional(),
};
const someChange = (v: { role?: unknown; disabled?: unknown }) => v.role !== undefined || v.disabled !== undefined;
const someChangeIssue = { message: 'give a role, or disabled: true/false', path: ['role'] };

/** A role or status change, at least one of them (REST: the body of PATCH /api/v1/users/{id}). */
export const ZUserChange = z.object(userChangeFields).refine(someChange, someChangeIssue);
export const ZUpdateUserInput = z.object({ userId: ZUserId, ...userChangeFields }).refine(someChange, someChangeIssue);
export type TUpdateUserInput = z.infer<typeof ZUpdateUserInput>;

/** REST: the body of POST /api/v1/users/{id}/password. */
export const ZPasswordReset = z.object({ password: ZNewPassword });
export const ZResetUserPasswordInput = z.object({ userId: ZUserId, password: ZNewPassword });
export type TResetUserPasswordInput = z.infer<typeof ZResetUserPasswordInput>;

const ZUserActions = z.object({ demote: z.string().nullable(), disable: z.string().nullable() });
/** A row of the users page: `actions` says which changes are refused, and why. */
export const ZUserListItem = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: ZRole,
  createdAt: z.date(),
  disabledAt: z.date().nullable(),
  actions: ZUserActions,
});

export const ZSignInInput = z.object({
  email: ZEmail,
  password: z.string().min(1, 'is required').max(1024),
});
