import type { Db } from '../db/client';
import { allowedUserActions, type TUserActions } from '../domain/user-administration';

/** Every user, with which administration actions the screen may offer (and why not). */
export async function listUsers(db: Db) {
  const users = await db.user.findMany({
    select: { id: true, email: true, name: true, role: true, createdAt: true, disabledAt: true },
    orderBy: { createdAt: 'asc' },
  });
  const activeAdmins = users.filter((u) => u.role === 'admin' && !u.disabledAt).length;
  return users.map((u) => {
    const active = !u.disabledAt;
    const actions: TUserActions = allowedUserActions({ role: u.role, active }, activeAdmins - (active && u.role === 'admin' ? 1 : 0));
    return { ...u, actions };
  });
}
