import type { ReactNode } from 'react';
import { Brand } from '@/components/shell/brand';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="auth-screen">
      <div className="card auth-card">
        <Brand href="/signin" />
        {children}
      </div>
    </main>
  );
}
