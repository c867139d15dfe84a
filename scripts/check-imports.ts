// Part of `npm run lint`: fails when an import crosses the architecture's layers (scripts/import-rules.ts).
import { checkProject } from './import-rules';

const problems = checkProject(process.cwd());
if (problems.length) {
  console.error(`import rules broken (${problems.length}):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('import rules: ok');
