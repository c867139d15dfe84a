import { sharePercent, VARIANT_COLORS } from './deployment-format';

export type TSplitSegment = { key: string; label: string; percent: number; color?: string };

/** The live traffic split as one bar: a segment per version, labelled with its share. */
export function SplitBar({ segments, compact, testId }: { segments: TSplitSegment[]; compact?: boolean; testId?: string }) {
  const visible = segments.filter((s) => s.percent > 0);
  if (!visible.length) return <span className="muted">no traffic</span>;
  return (
    <div className={compact ? 'split split-compact' : 'split'} data-testid={testId ?? 'split-bar'}>
      <div className="split-bar" role="img" aria-label={visible.map((s) => `${s.label} ${sharePercent(s.percent)}`).join(', ')}>
        {visible.map((s) => (
          <span key={s.key} className="split-seg" style={{ width: `${Math.max(s.percent, 1.5)}%`, background: s.color ?? VARIANT_COLORS[s.key] ?? '#5c6b7a' }} title={`${s.label}: ${sharePercent(s.percent)}`} />
        ))}
      </div>
      <div className="split-legend">
        {visible.map((s) => (
          <span key={s.key} className="split-legend-item" data-testid={`split-${s.key}`}>
            <span className="swatch" style={{ background: s.color ?? VARIANT_COLORS[s.key] ?? '#5c6b7a' }} />
            {s.label} <strong>{sharePercent(s.percent)}</strong>
          </span>
        ))}
      </div>
    </div>
  );
}
