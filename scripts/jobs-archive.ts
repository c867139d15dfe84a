// npm run jobs:archive [-- --days 90]: archives the model versions not served for the archival
// period, once, and prints what it archived. The control plane also runs it on an interval.
import { parseArgs } from 'node:util';
import { createDb } from '../server/db/client';
import { openDatabase } from '../server/db/open-database';
import { ARCHIVAL_JOB, archiveStaleVersions } from '../server/services/rollout/archive-stale-versions';
import { newRequestId } from '../server/services/service-context';
import { exitWithError } from './cli-errors';

try {
  const { values } = parseArgs({ options: { days: { type: 'string' } } });
  const days = values.days === undefined ? undefined : Number(values.days);
  if (days !== undefined && !(Number.isInteger(days) && days >= 1)) throw new Error('usage: npm run jobs:archive [-- --days N]  (N a whole number of days, at least 1)');
  const database = await openDatabase();
  const db = createDb(database.url, 1);
  try {
    const result = await archiveStaleVersions({ db, actor: ARCHIVAL_JOB, requestId: newRequestId() }, { days });
    if (!result.archived.length) console.log('nothing to archive');
    for (const a of result.archived) console.log(`archived ${a.model} version ${a.version}`);
  } finally {
    await db.$disconnect();
    await database.close();
  }
} catch (err) {
  exitWithError(err);
}
