import Link from 'next/link';

export function Brand({ href = '/experiments' }: { href?: string }) {
  return (
    <Link href={href} className="brand">
      <span className="brand-mark" aria-hidden="true">
        B
      </span>
      Ballast
    </Link>
  );
}
