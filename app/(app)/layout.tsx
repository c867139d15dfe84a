import type { ReactNode } from 'react';
import { Suspense } from 'react';
import { AppNav } from '@/components/shell/app-nav';
import { OpenAlertsBadge } from '@/components/shell/open-alerts-badge';
import { Brand } from '@/components/shell/brand';
import { SignInRedirect } from '@/components/shell/sign-in-redirect';
import { UserMenu } from '@/components/shell/user-menu';
import { hasScope } from '@/server/auth/permissions';
import { principalLabel } from '@/server/auth/principal';
import { BALLAST_VERSION } from '@/server/version';
import { currentPrincipal } from './current-principal';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const principal = await currentPrincipal();
  if (!principal) {
    // A layout cannot know the URL, so each page redirects on the server with its own
    // callbackUrl (requirePrincipal), and the page's redirect only runs if the layout renders it.
    // The client redirect is the fallback for a page that forgets its guard: no shell either way.
    return (
      <>
        {children}
        <Suspense>
          <SignInRedirect />
        </Suspense>
      </>
    );
  }
  return (
    <div className="shell">
      <aside className="sidebar">
        <Brand />
        <AppNav scopes={principal.scopes} />
        <div className="sidebar-foot">Ballast {BALLAST_VERSION}</div>
      </aside>
      <div className="main-col">
        <header className="topbar">
          {hasScope(principal.scopes, 'monitoring:read') ? <OpenAlertsBadge /> : null}
          <UserMenu label={principalLabel(principal)} role={principal.kind === 'user' ? principal.role : null} />
        </header>
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
