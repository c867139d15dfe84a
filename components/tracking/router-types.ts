import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type TOutputs = inferRouterOutputs<AppRouter>;
export type TRunDetails = TOutputs['runs']['get'];
export type TRunCompare = TOutputs['runs']['compare'];
export type TDatasetDetails = TOutputs['datasets']['get'];
