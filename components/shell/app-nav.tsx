'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { hasScope, type TScope } from '@/server/auth/permissions';

interface NavItem {
  href: string;
  label: string;
  /** Shown only to those holding it; omitted for pages every signed-in person may open. */
  scope?: TScope;
}

const SECTIONS: { title: string; items: NavItem[] }[] = [
  {
    title: 'Build',
    items: [
      { href: '/experiments', label: 'Experiments', scope: 'experiment:read' },
      { href: '/datasets', label: 'Datasets', scope: 'dataset:read' },
      { href: '/models', label: 'Models', scope: 'model:read' },
    ],
  },
  {
    title: 'Operate',
    items: [
      { href: '/deployments', label: 'Deployments', scope: 'deployment:read' },
      { href: '/monitoring', label: 'Monitoring', scope: 'monitoring:read' },
    ],
  },
  {
    title: 'Govern',
    items: [
      { href: '/approvals', label: 'Approvals', scope: 'model:approve' },
      { href: '/audit', label: 'Audit', scope: 'audit:read' },
      { href: '/settings', label: 'Settings' },
      { href: '/settings/users', label: 'Users', scope: 'user:manage' },
    ],
  },
];

function isActive(pathname: string, href: string): boolean {
  // Settings owns its sub-pages except those with their own nav entry.
  if (href === '/settings') return pathname === '/settings';
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function AppNav({ scopes }: { scopes: readonly string[] }) {
  const pathname = usePathname();
  return (
    <nav className="nav" aria-label="Main" data-testid="app-nav">
      {SECTIONS.map((section) => {
        const items = section.items.filter((item) => !item.scope || hasScope(scopes, item.scope));
        if (!items.length) return null;
        return (
          <div key={section.title}>
            <div className="nav-section">{section.title}</div>
            {items.map((item) => (
              <Link key={item.href} href={item.href} aria-current={isActive(pathname, item.href) ? 'page' : undefined}>
                {item.label}
              </Link>
            ))}
          </div>
        );
      })}
    </nav>
  );
}
