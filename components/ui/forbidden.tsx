import type { ReactNode } from 'react';

export function Forbidden({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="card forbidden" role="alert" data-testid="forbidden">
      <h2>{title}</h2>
      {children}
    </section>
  );
}
