import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type TOutputs = inferRouterOutputs<AppRouter>;
export type TDeploymentSummary = TOutputs['deployments']['list'][number];
export type TDeploymentDetails = TOutputs['deployments']['get'];
export type TDeploymentEvent = TDeploymentDetails['history'][number];
export type TAbResults = TOutputs['monitoring']['abResults'];
export type TVersionSeries = TOutputs['monitoring']['versionSeries'];
export type TModelOverview = TOutputs['monitoring']['modelOverview'];
export type TDriftSeries = TOutputs['monitoring']['driftSeries'];
export type TAlertEntry = TOutputs['alerts']['list']['alerts'][number];
