import type { TRolloutActor } from './actor';
import { removeAlias, setAlias } from './aliases';
import type { TRolloutCommand } from './commands';
import { evaluateDeployment } from './deployment-evaluation';
import { pauseDeployment, promoteDeployment, resumeDeployment, rollbackDeployment, startDeployment } from './deployments';
import { Draft } from './lifecycle-steps';
import { approvePromotion, rejectPromotion, requestPromotion, withdrawPromotion } from './promotion-requests';
import { RolloutRefused, type TEvaluationOutcome, type TRolloutDecision } from './refusal';
import { rolloutRevision, type TRolloutSnapshot } from './snapshot';
import { archiveVersion, autoArchiveVersion, changeVersionStage, rollbackModel } from './version-stages';

/*
 * The one place that decides whether a rollout command may happen and what it changes. Pure:
 * the same snapshot, command and actor always give the same answer, and a refusal writes nothing
 * (the effects of a refused command are discarded with the draft).
 */

export function decide(snapshot: TRolloutSnapshot, command: TRolloutCommand, actor: TRolloutActor): TRolloutDecision {
  const d = new Draft(snapshot, actor);
  try {
    if (command.expectedRevision !== undefined) {
      const current = rolloutRevision(snapshot);
      if (command.expectedRevision !== current) {
        return {
          refusal: {
            code: 'STALE_SNAPSHOT',
            message: `model ${snapshot.model.name} changed since this was decided on: reload and try again`,
            details: { changed: 'revision', expectedRevision: command.expectedRevision, revision: current },
          },
        };
      }
    }
    const outcome = apply(d, command);
    return outcome ? { effects: d.effects, outcome } : { effects: d.effects };
  } catch (err) {
    if (err instanceof RolloutRefused) return { refusal: err.refusal };
    throw err;
  }
}

function apply(d: Draft, c: TRolloutCommand): TEvaluationOutcome | void {
  switch (c.kind) {
    case 'requestPromotion':
      return requestPromotion(d, c);
    case 'approvePromotion':
      return approvePromotion(d, c);
    case 'rejectPromotion':
      return rejectPromotion(d, c);
    case 'withdrawPromotion':
      return withdrawPromotion(d, c);
    case 'changeStage':
      return changeVersionStage(d, c);
    case 'archiveVersion':
      return archiveVersion(d, c);
    case 'autoArchiveVersion':
      return autoArchiveVersion(d, c);
    case 'rollbackModel':
      return rollbackModel(d, c);
    case 'startDeployment':
      return startDeployment(d, c);
    case 'promoteDeployment':
      return promoteDeployment(d, c);
    case 'pauseDeployment':
      return pauseDeployment(d, c);
    case 'resumeDeployment':
      return resumeDeployment(d, c);
    case 'rollbackDeployment':
      return rollbackDeployment(d, c);
    case 'evaluateDeployment':
      return evaluateDeployment(d, c);
    case 'setAlias':
      return setAlias(d, c);
    case 'removeAlias':
      return removeAlias(d, c);
  }
}
