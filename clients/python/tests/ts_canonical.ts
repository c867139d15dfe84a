/*
 * The TypeScript side of the Python client's cross-language tests (test_cross_language.py):
 * reads a JSON array of cases on stdin and prints one JSON array of results, computed by the
 * server's own code (server/domain/canonical-config.ts, server/contracts/training-config.ts).
 *   { kind: 'config', input }  -> { ok: true, yaml, json, hash } | { ok: false, issues }
 *   { kind: 'value', input }   -> { ok: true, yaml, json } | { ok: false, error }
 *   { kind: 'yaml', input }    -> { ok: true, json, hash } | { ok: false, message, issues }
 */
import { formatConfigIssues, ZTrainingConfig } from '../../../server/contracts/training-config';
import { canonicalJson, canonicalYaml, configHash, parseConfigYaml } from '../../../server/domain/canonical-config';

type TCase = { kind: 'config' | 'value' | 'yaml'; input: unknown };

function run(c: TCase): unknown {
  switch (c.kind) {
    case 'config': {
      const parsed = ZTrainingConfig.safeParse(c.input);
      if (!parsed.success) return { ok: false, issues: formatConfigIssues(parsed.error).issues };
      return { ok: true, yaml: canonicalYaml(parsed.data), json: canonicalJson(parsed.data), hash: configHash(parsed.data) };
    }
    case 'value':
      try {
        return { ok: true, yaml: canonicalYaml(c.input), json: canonicalJson(c.input) };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    case 'yaml': {
      const parsed = parseConfigYaml(String(c.input));
      if (!parsed.ok) return { ok: false, message: parsed.message, issues: parsed.issues };
      return { ok: true, json: canonicalJson(parsed.config), hash: configHash(parsed.config) };
    }
  }
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8')) as TCase[];
process.stdout.write(JSON.stringify(cases.map(run)));
