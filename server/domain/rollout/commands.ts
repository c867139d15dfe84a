import type { TCanaryOptions } from '../../contracts/canary-options';
import type { TDeploymentStrategy } from '../../contracts/deployments';
import type { TModelStage } from '../../contracts/model-registry';

/*
 * Every command that changes how a model's versions reach production, with its input already
 * parsed at the edge (zod). `expectedRevision` (optional on all): the rolloutRevision the caller
 * decided on; when the model moved on since, the command is refused as STALE_SNAPSHOT.
 */

type TBase = { expectedRevision?: string };

export type TRolloutCommand = TBase &
  (
    | { kind: 'requestPromotion'; version: number; comment?: string; canary?: TCanaryOptions | null }
    | { kind: 'approvePromotion'; requestId: string; comment?: string; overrideReason?: string | null }
    | { kind: 'rejectPromotion'; requestId: string; comment?: string }
    | { kind: 'withdrawPromotion'; requestId: string }
    /** An owner moves a version by hand: to staging (promote), to development (demote), to archived (archive). Production is reached by approval only. */
    | { kind: 'changeStage'; version: number; to: TModelStage; reason?: string | null }
    | { kind: 'archiveVersion'; version: number; reason?: string | null }
    /** The archival job: versions not served for `days` (default ARCHIVE_AFTER_DAYS). */
    | { kind: 'autoArchiveVersion'; version: number; days?: number }
    /** Production back to `previous` in one step. */
    | { kind: 'rollbackModel'; reason?: string }
    | {
        kind: 'startDeployment';
        version: number;
        strategy: TDeploymentStrategy;
        canary?: TCanaryOptions;
        split?: { a: number; b: number };
        outcomeKind?: 'binary' | 'continuous';
        comment?: string;
      }
    | { kind: 'promoteDeployment'; deploymentId: string; reason?: string }
    | { kind: 'pauseDeployment'; deploymentId: string; reason?: string }
    | { kind: 'resumeDeployment'; deploymentId: string; reason?: string }
    | { kind: 'rollbackDeployment'; deploymentId: string; reason?: string }
    /** The evaluator's verdict on the deployment's live figures (canary window, blue-green readiness). */
    | { kind: 'evaluateDeployment'; deploymentId: string }
    | { kind: 'setAlias'; alias: string; version: number }
    | { kind: 'removeAlias'; alias: string }
  );

export type TRolloutCommandKind = TRolloutCommand['kind'];

export const COMMAND_KINDS: readonly TRolloutCommandKind[] = [
  'requestPromotion',
  'approvePromotion',
  'rejectPromotion',
  'withdrawPromotion',
  'changeStage',
  'archiveVersion',
  'autoArchiveVersion',
  'rollbackModel',
  'startDeployment',
  'promoteDeployment',
  'pauseDeployment',
  'resumeDeployment',
  'rollbackDeployment',
  'evaluateDeployment',
  'setAlias',
  'removeAlias',
];
