import { ZPasswordReset } from '@/server/contracts/users';
import { restHandler } from '@/server/rest/rest-handler';
import { resetUserPassword } from '@/server/services/manage-users';

// POST {password}: sets a new password and ends the user's existing sessions.
export const POST = restHandler({ scope: 'user:manage', body: ZPasswordReset }, ({ db, principal, requestId, body, params }) =>
  resetUserPassword({ db, actor: principal, requestId }, { ...body, userId: String(params.id) }),
);
