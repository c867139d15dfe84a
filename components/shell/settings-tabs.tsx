'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export function SettingsTabs({ showUsers, showJobs = false }: { showUsers: boolean; showJobs?: boolean }) {
  const pathname = usePathname();
  const tabs = [
    { href: '/settings', label: 'API tokens' },
    ...(showUsers ? [{ href: '/settings/users', label: 'Users' }] : []),
    ...(showJobs ? [{ href: '/settings/jobs', label: 'Jobs' }] : []),
  ];
  return (
    <nav className="tabs" aria-label="Settings">
      {tabs.map((tab) => (
        <Link key={tab.href} href={tab.href} aria-current={pathname === tab.href ? 'page' : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
