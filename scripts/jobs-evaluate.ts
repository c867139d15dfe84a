// npm run jobs:evaluate: evaluates every running deployment once (canary rollback / next step /
// promotion, blue-green switch) and prints what it decided. The control plane also runs it every 30 s.
import { createDb } from '../server/db/client';
import { openDatabase } from '../server/db/open-database';
import { evaluateDeployments } from '../server/services/rollout/evaluate-deployments';
import { exitWithError } from './cli-errors';

try {
  const database = await openDatabase();
  const db = createDb(database.url, 1);
  try {
    const results = await evaluateDeployments({ db });
    if (!results.length) console.log('no running deployments');
    for (const r of results) console.log(`${r.model} (deployment ${r.deploymentId}): ${r.action}: ${r.message}`);
  } finally {
    await db.$disconnect();
    await database.close();
  }
} catch (err) {
  exitWithError(err);
}
