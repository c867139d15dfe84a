import type { Metadata } from 'next';
import { ModelView } from '@/components/models/model-view';
import { Forbidden } from '@/components/ui/forbidden';
import { neededRoleText } from '@/components/ui/roles';
import { hasScope } from '@/server/auth/permissions';
import { requirePrincipal } from '../../current-principal';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function ModelPage({ params }: { params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  const principal = await requirePrincipal(`/models/${encodeURIComponent(name)}`);
  if (!hasScope(principal.scopes, 'model:read')) return <Forbidden title={`You need ${neededRoleText('model:read')} to see the model registry`} />;
  return <ModelView name={name} />;
}
