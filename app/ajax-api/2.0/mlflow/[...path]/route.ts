import { mlflowRouteHandlers } from '@/server/rest/mlflow-dispatch';

// MLflow's tracking REST API; every endpoint is dispatched through one table (server/rest/mlflow-endpoints.ts).
export const { GET, POST, PATCH, DELETE } = mlflowRouteHandlers('/ajax-api/2.0/mlflow/');
