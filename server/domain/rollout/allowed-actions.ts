import { TRANSITIONS } from '../model-lifecycle';
import type { TRolloutActor } from './actor';
import type { TRolloutCommand } from './commands';
import { decide } from './decide';
import { isRefusal, type TRolloutRefusal } from './refusal';
import { activeDeployment, aliasTarget, openRequests, type TRolloutSnapshot } from './snapshot';

/*
 * What an actor may do on a model right now, for screens to render every button from: each
 * action is a command, judged by `decide` itself - so a button is enabled exactly when the server
 * would carry the command out, and a disabled one shows the refusal the server would give.
 */

export type TRolloutAction = {
  /** Stable key, e.g. "version:3:staging", "request:<id>:approve", "deployment:<id>:pause". */
  key: string;
  command: TRolloutCommand;
  allowed: boolean;
  refusal?: TRolloutRefusal;
  /**
   * Refused as it stands but allowed with a written reason (an admin's override of four-eyes or
   * ownership): the screen asks for the reason instead of disabling the button.
   */
  allowedWithReason?: boolean;
};

/** Stand-ins for what a person types when they act: judged for rights, not for the wording. */
const PROBE_REASON = 'reason given when acting';
const PROBE_COMMENT = 'comment given when acting';

/** The commands that make sense on this model now; `decide` judges each. */
export function candidateCommands(s: TRolloutSnapshot, actor: TRolloutActor): { key: string; command: TRolloutCommand }[] {
  const out: { key: string; command: TRolloutCommand }[] = [];
  const hasProduction = aliasTarget(s, 'production') !== null;
  for (const v of s.versions) {
    // The steps by hand the lifecycle table has from this stage; production by request only.
    for (const t of TRANSITIONS.filter((x) => x.from === v.stage && (x.cause === 'promote' || x.cause === 'demote' || x.cause === 'archive'))) {
      if (t.to === 'production') {
        out.push({ key: `version:${v.version}:request`, command: { kind: 'requestPromotion', version: v.version } });
        if (hasProduction) out.push({ key: `version:${v.version}:request-canary`, command: { kind: 'requestPromotion', version: v.version, canary: { percent: 5, durationS: 86_400, autoPromote: true } } });
        out.push({ key: `version:${v.version}:deploy`, command: { kind: 'startDeployment', version: v.version, strategy: hasProduction ? 'canary' : 'blue_green' } });
      } else if (t.to === 'archived') {
        out.push({ key: `version:${v.version}:archive`, command: { kind: 'archiveVersion', version: v.version } });
      } else {
        out.push({ key: `version:${v.version}:${t.to}`, command: { kind: 'changeStage', version: v.version, to: t.to } });
      }
    }
    if (actor.kind === 'system' && (v.stage === 'development' || v.stage === 'staging')) {
      out.push({ key: `version:${v.version}:auto-archive`, command: { kind: 'autoArchiveVersion', version: v.version } });
    }
  }
  for (const r of openRequests(s)) {
    out.push({ key: `request:${r.id}:approve`, command: { kind: 'approvePromotion', requestId: r.id } });
    out.push({ key: `request:${r.id}:reject`, command: { kind: 'rejectPromotion', requestId: r.id, comment: PROBE_COMMENT } });
    out.push({ key: `request:${r.id}:withdraw`, command: { kind: 'withdrawPromotion', requestId: r.id } });
  }
  if (hasProduction) out.push({ key: 'model:rollback', command: { kind: 'rollbackModel' } });
  const active = activeDeployment(s);
  if (active) {
    const id = active.id;
    out.push({ key: `deployment:${id}:promote`, command: { kind: 'promoteDeployment', deploymentId: id } });
    out.push(active.status === 'paused' ? { key: `deployment:${id}:resume`, command: { kind: 'resumeDeployment', deploymentId: id } } : { key: `deployment:${id}:pause`, command: { kind: 'pauseDeployment', deploymentId: id } });
    out.push({ key: `deployment:${id}:rollback`, command: { kind: 'rollbackDeployment', deploymentId: id } });
    if (actor.kind === 'system') out.push({ key: `deployment:${id}:evaluate`, command: { kind: 'evaluateDeployment', deploymentId: id } });
  }
  for (const a of s.aliases) {
    if (a.alias !== 'production' && a.alias !== 'previous') out.push({ key: `alias:${a.alias}:remove`, command: { kind: 'removeAlias', alias: a.alias } });
  }
  return out;
}

/** The same command with the written reason an admin would give. */
function withReason(c: TRolloutCommand): TRolloutCommand | null {
  if (c.kind === 'approvePromotion') return { ...c, overrideReason: PROBE_REASON };
  if (c.kind === 'promoteDeployment') return { ...c, reason: PROBE_REASON };
  return null;
}

/**
 * Every action on the model with whether the actor may take it, built from `decide`: allowed
 * exactly when decide returns effects. `extra`: further commands to judge (an alias name typed in).
 */
export function allowedActions(s: TRolloutSnapshot, actor: TRolloutActor, extra: readonly { key: string; command: TRolloutCommand }[] = []): TRolloutAction[] {
  return [...candidateCommands(s, actor), ...extra].map(({ key, command }) => {
    const decision = decide(s, command, actor);
    if (!isRefusal(decision)) return { key, command, allowed: true };
    const refusal = decision.refusal;
    const overridable = refusal.code === 'FOUR_EYES' || refusal.code === 'ADMIN_REASON_REQUIRED' ? withReason(command) : null;
    const allowedWithReason = overridable ? !isRefusal(decide(s, overridable, actor)) : false;
    return { key, command, allowed: false, refusal, ...(allowedWithReason ? { allowedWithReason } : {}) };
  });
}
