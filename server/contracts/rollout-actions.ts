import { z } from 'zod';

/*
 * What a viewer may do on a model's rollout, as the domain judged it (allowedActions in
 * server/domain/rollout/allowed-actions.ts): every button a screen draws comes from one of these,
 * enabled when `allowed`, otherwise disabled with the refusal the server would give.
 */

export const ZRolloutRefusalView = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) });

export const ZRolloutActionView = z.object({
  /** Stable key: "version:3:staging", "version:3:request", "request:<id>:approve", "deployment:<id>:promote", "model:rollback", ... */
  key: z.string(),
  /** The command kind the button sends (requestPromotion, approvePromotion, pauseDeployment, ...). */
  kind: z.string(),
  /** What the command acts on, for the screen to place the button. */
  version: z.number().int().nullable(),
  requestId: z.string().nullable(),
  deploymentId: z.string().nullable(),
  allowed: z.boolean(),
  /** Refused as it stands, allowed with a written reason (an admin's override): ask for the reason instead of disabling. */
  allowedWithReason: z.boolean(),
  refusal: ZRolloutRefusalView.nullable(),
});
export type TRolloutActionView = z.infer<typeof ZRolloutActionView>;

export const ZRolloutActionsView = z.object({
  /** The rollout revision the actions were judged on: send it back as expectedRevision to be refused STALE_SNAPSHOT if the model moved on. */
  revision: z.string(),
  actions: z.array(ZRolloutActionView),
});
export type TRolloutActionsView = z.infer<typeof ZRolloutActionsView>;
