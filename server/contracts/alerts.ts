import { z } from 'zod';

export const ZAlertKind = z.enum(['drift', 'error_rate', 'latency', 'rollback']);
export type TAlertKind = z.infer<typeof ZAlertKind>;
export const ZAlertSeverity = z.enum(['info', 'warning', 'critical']);
export const ZAlertStatus = z.enum(['open', 'acknowledged', 'resolved']);

export const ZAlertQuery = z.object({
  status: ZAlertStatus.optional(),
  modelName: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
