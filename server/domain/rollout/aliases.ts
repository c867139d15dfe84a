import { RESERVED_ALIASES } from '../../contracts/model-registry';
import { requireOwner, requireScope } from './actor';
import type { TRolloutCommand } from './commands';
import { moveAlias, type Draft } from './lifecycle-steps';
import { refuse } from './refusal';
import { versionByNumber } from './snapshot';

/*
 * Aliases set by hand: user-defined ones by anyone who may write models, `canary` by owners only
 * (it routes live traffic). `production` and `previous` move only through promotion and rollback.
 */

type C<K extends TRolloutCommand['kind']> = Extract<TRolloutCommand, { kind: K }>;

function refuseLifecycleAlias(alias: string): void {
  if (alias === 'production' || alias === 'previous') refuse('RESERVED_ALIAS', `the ${alias} alias moves only through promotion and rollback`, { alias });
}

const isReserved = (alias: string) => (RESERVED_ALIASES as readonly string[]).includes(alias);

export function setAlias(d: Draft, c: C<'setAlias'>): void {
  requireScope(d.actor, 'model:write', 'set an alias');
  refuseLifecycleAlias(c.alias);
  if (isReserved(c.alias)) requireOwner(d.s, d.actor, `move the ${c.alias} alias`);
  const v = versionByNumber(d.s, c.version);
  if (!v) refuse('NOT_FOUND', `Model Version (name=${d.s.model.name}, version=${c.version}) not found`, { version: c.version });
  // An alias changes no stage, but routes traffic to the version, which archived versions never get.
  if (v.stage === 'archived') {
    refuse('INVALID_TRANSITION', `version ${v.version} of ${d.s.model.name} is archived; an alias cannot point to it`, { from: v.stage, to: v.stage, cause: 'alias', mlflowErrorCode: 'INVALID_STATE' });
  }
  moveAlias(d, c.alias, v, 'set');
}

export function removeAlias(d: Draft, c: C<'removeAlias'>): void {
  requireScope(d.actor, 'model:write', 'remove an alias');
  refuseLifecycleAlias(c.alias);
  if (isReserved(c.alias)) requireOwner(d.s, d.actor, `remove the ${c.alias} alias`);
  if (!d.aliasTarget(c.alias)) refuse('NOT_FOUND', `Registered model alias ${c.alias} not found.`, { alias: c.alias });
  moveAlias(d, c.alias, null, 'deleted');
}
