import { ZUserChange } from '@/server/contracts/users';
import { restHandler } from '@/server/rest/rest-handler';
import { updateUser } from '@/server/services/manage-users';

// PATCH {role?, disabled?, reason?}: 409 (LAST_ACTIVE_ADMIN) when no active admin would remain.
export const PATCH = restHandler({ scope: 'user:manage', body: ZUserChange }, ({ db, principal, requestId, body, params }) =>
  updateUser({ db, actor: principal, requestId }, { ...body, userId: String(params.id) }),
);
