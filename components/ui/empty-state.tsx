import type { ReactNode } from 'react';

export function EmptyState({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="card empty-state" data-testid={testId ?? 'empty-state'}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
