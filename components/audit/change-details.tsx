function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Top-level fields whose value differs between before and after: the summary of a change. */
function changedFields(before: unknown, after: unknown): string[] {
  if (!isRecord(before) && !isRecord(after)) return [];
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
  return [...keys].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
}

function pretty(value: unknown): string {
  return value === undefined || value === null ? '—' : JSON.stringify(value, null, 2);
}

export function ChangeDetails({ before, after }: { before: unknown; after: unknown }) {
  if ((before === null || before === undefined) && (after === null || after === undefined)) return <span className="muted">—</span>;
  const fields = changedFields(before, after);
  const summary = fields.length ? fields.slice(0, 3).join(', ') + (fields.length > 3 ? ` +${fields.length - 3}` : '') : 'view';
  return (
    <details className="diff">
      <summary>{summary}</summary>
      <div className="diff-grid">
        <div>
          <div className="diff-label">Before</div>
          <pre>{pretty(before)}</pre>
        </div>
        <div>
          <div className="diff-label">After</div>
          <pre>{pretty(after)}</pre>
        </div>
      </div>
    </details>
  );
}
