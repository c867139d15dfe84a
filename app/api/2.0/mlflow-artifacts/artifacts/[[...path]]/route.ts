import { mlflowArtifactProxyHandlers } from '@/server/rest/mlflow-artifact-proxy';

// MLflow's artifact proxy: PUT and GET of run artifacts, and folder listings.
export const { GET, PUT } = mlflowArtifactProxyHandlers('/api/2.0/mlflow-artifacts/artifacts');
