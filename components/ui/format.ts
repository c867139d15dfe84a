const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-26 14:05:09` in the viewer's time zone: sortable, unambiguous, locale-independent. */
export function formatDateTime(value: Date | null | undefined): string {
  if (!value) return '—';
  return `${formatDate(value)} ${pad(value.getHours())}:${pad(value.getMinutes())}:${pad(value.getSeconds())}`;
}

export function formatDate(value: Date | null | undefined): string {
  if (!value) return '—';
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}
