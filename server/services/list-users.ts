import type { Db } from '../db/client';

export async function listUsers(db: Db) {
  return db.user.findMany({
    select: { id: true, email: true, name: true, role: true, createdAt: true, disabledAt: true },
    orderBy: { createdAt: 'asc' },
  });
}
