import { ZCreateUserInput } from '@/server/contracts/users';
import { restHandler } from '@/server/rest/rest-handler';
import { createUser } from '@/server/services/create-user';
import { listUsers } from '@/server/services/list-users';

export const GET = restHandler({ scope: 'user:manage' }, async ({ db }) => ({ users: await listUsers(db) }));

export const POST = restHandler({ scope: 'user:manage', body: ZCreateUserInput, status: 201 }, ({ db, principal, requestId, body }) =>
  createUser({ db, actor: principal, requestId }, body),
);
