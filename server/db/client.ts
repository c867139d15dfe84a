import { PrismaPg } from '@prisma/adapter-pg';
import { serverEnv } from '../env';
import { PrismaClient } from './generated/client';

export type Db = PrismaClient;
/** What a service receives inside `db.$transaction(async (tx) => ...)`. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
/** A client or a transaction: reads and single writes accept either. */
export type DbOrTx = Db | Tx;

export function createDb(connectionString: string, max = serverEnv().BALLAST_DB_POOL_MAX): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) });
}

// One client per process; kept on globalThis so Next's dev reloads do not open new pools.
const holder = globalThis as unknown as { ballastDb?: Db };

export function db(): Db {
  if (!holder.ballastDb) {
    const url = serverEnv().DATABASE_URL;
    if (!url) {
      throw new Error('DATABASE_URL is not set: start Ballast with `npm start`, which provides the embedded database.');
    }
    holder.ballastDb = createDb(url);
  }
  return holder.ballastDb;
}
