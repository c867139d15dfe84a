import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePrincipal } from '../current-principal';

export const metadata: Metadata = { title: 'Deployments' };

export default async function DeploymentsPage() {
  await requirePrincipal('/deployments');
  return (
    <>
      <PageHeader title="Deployments" description="What each inference worker serves, with live traffic split, error rate and latency." />
      <EmptyState title="Nothing is deployed yet">
        <p>A deployment starts when a model version is promoted to production:</p>
        <ol>
          <li>
            Take a version through <code>staging</code> in <Link href="/models">Models</Link>, with its validation tests and latency benchmark passing.
          </li>
          <li>Have an owner of the model other than you approve the promotion.</li>
          <li>
            Promote it: it rolls out as a canary (5% of traffic for 24 hours by default) and rolls back on its own if its error rate or p99 latency
            breaks the limits.
          </li>
        </ol>
        <p>
          Inference workers authenticate with an API token that has the <code>worker</code> scope; an admin creates one in{' '}
          <Link href="/settings">Settings</Link>.
        </p>
      </EmptyState>
    </>
  );
}
