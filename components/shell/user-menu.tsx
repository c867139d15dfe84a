import Link from 'next/link';

export function UserMenu({ label, role }: { label: string; role: string | null }) {
  return (
    <div className="user-menu" data-testid="user-menu">
      <span className="avatar" aria-hidden="true">
        {label.charAt(0)}
      </span>
      <span className="user-email" data-testid="user-email">
        {label}
      </span>
      {role ? (
        <span className="badge badge-accent" data-testid="user-role">
          {role}
        </span>
      ) : null}
      <Link href="/signout" className="btn btn-sm" data-testid="signout-link">
        Sign out
      </Link>
    </div>
  );
}
