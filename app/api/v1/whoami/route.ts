import { principalLabel } from '@/server/auth/principal';
import { restHandler } from '@/server/rest/rest-handler';

export const GET = restHandler({ scope: 'model:read' }, async ({ principal }) => ({
  kind: principal.kind,
  label: principalLabel(principal),
  scopes: principal.scopes,
}));
