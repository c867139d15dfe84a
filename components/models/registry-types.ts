import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type TOutputs = inferRouterOutputs<AppRouter>;
export type TModelSummary = TOutputs['models']['list'][number];
export type TModelDetails = TOutputs['models']['get'];
export type TViewerRights = TModelDetails['viewer'];
export type TVersionEntry = TModelDetails['versions'][number];
export type TPromotionEntry = TModelDetails['promotions'][number];
export type TAliasMove = TModelDetails['aliasHistory'][number];
export type TGateEvidenceView = TVersionEntry['evidence'];
export type TGateResultView = TVersionEntry['gates'][number];
export type TInboxItem = TOutputs['promotions']['inbox'][number];
