import { z } from 'zod';
import { ZAlertKind, ZAlertSeverity, ZAlertStatus } from './alerts';
import { ZVersionNumber } from './safe-number';

/*
 * Monitoring contracts: A/B feedback (the public REST body), the monitoring reads the UI charts
 * call, and the alert actions.
 */

// ---- Feedback: POST /api/v1/feedback --------------------------------------------------------------

export const ZFeedbackOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('binary'), converted: z.boolean() }),
  z.object({ kind: z.literal('continuous'), value: z.number().finite() }),
]);
export type TFeedbackOutcome = z.infer<typeof ZFeedbackOutcome>;

export const ZFeedbackItem = z
  .object({
    /** The prediction's request id (as the worker returned it). */
    request_id: z.string().min(1).max(200).optional(),
    /** Or the routing key: the latest prediction served for it. */
    routing_key: z.string().min(1).max(256).optional(),
    outcome: ZFeedbackOutcome,
  })
  .refine((f) => f.request_id !== undefined || f.routing_key !== undefined, { message: 'needs request_id or routing_key', path: ['request_id'] });
export type TFeedbackItem = z.infer<typeof ZFeedbackItem>;

export const MAX_FEEDBACK_BATCH = 1000;
export const ZFeedbackBatch = z.object({ items: z.array(ZFeedbackItem).min(1).max(MAX_FEEDBACK_BATCH) });
export const ZFeedbackBody = z.union([ZFeedbackBatch, ZFeedbackItem]);
export type TFeedbackBody = z.infer<typeof ZFeedbackBody>;

/** recorded: stored now; duplicate: this request already had feedback (nothing changed); unknown_request: no such prediction. */
export const ZFeedbackStatus = z.enum(['recorded', 'duplicate', 'unknown_request']);
export const ZFeedbackResult = z.object({
  request_id: z.string().nullable(),
  routing_key: z.string().nullable(),
  status: ZFeedbackStatus,
  model: z.string().nullable(),
  version: z.number().int().nullable(),
  variant: z.string().nullable(),
  deployment_id: z.string().nullable(),
});
export type TFeedbackResult = z.infer<typeof ZFeedbackResult>;

// ---- Monitoring reads --------------------------------------------------------------------------------

const ZName = z.string().min(1).max(200);

export const ZAbResultsQuery = z.union([z.object({ deploymentId: z.string().uuid() }), z.object({ modelName: ZName })]);
export type TAbResultsQuery = z.infer<typeof ZAbResultsQuery>;

export const ZTimeRange = z.object({
  /** Defaults: the last hour up to now. */
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});

export const ZModelOverviewQuery = z.object({ modelName: ZName });
export const ZVersionSeriesQuery = ZTimeRange.extend({ modelName: ZName, versions: z.array(ZVersionNumber).max(10).optional() });
export const ZDriftSeriesQuery = ZTimeRange.extend({
  modelName: ZName,
  version: ZVersionNumber,
  windowS: z.union([z.literal(300), z.literal(3600)]).default(300),
  features: z.array(z.string().min(1).max(200)).max(100).optional(),
});
export const ZConfidenceQuery = ZTimeRange.extend({ modelName: ZName, version: ZVersionNumber, bins: z.number().int().min(2).max(100).default(20) });
export const ZTrainingVsLiveQuery = z.object({ modelName: ZName, version: ZVersionNumber, feature: z.string().min(1).max(200), windowS: z.union([z.literal(300), z.literal(3600)]).default(3600) });

// ---- Alerts -------------------------------------------------------------------------------------------

export const ZListAlertsInput = z.object({
  status: z.array(ZAlertStatus).max(3).optional(),
  kind: z.array(ZAlertKind).max(4).optional(),
  severity: z.array(ZAlertSeverity).max(3).optional(),
  modelName: ZName.optional(),
  /** Alerts created before this one (the previous page's last id). */
  cursor: z.string().uuid().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type TListAlertsInput = z.input<typeof ZListAlertsInput>;

export const ZAlertActionInput = z.object({ alertId: z.string().uuid(), comment: z.string().trim().max(2000).default('') });
export type TAlertActionInput = z.input<typeof ZAlertActionInput>;
