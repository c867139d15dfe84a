import { ZVersionState } from '../server/contracts/worker-model';

/** Every state, so the version gauge reports 0 for the states a version is not in (Prometheus convention). */
export const VERSION_STATES = ZVersionState.options;
