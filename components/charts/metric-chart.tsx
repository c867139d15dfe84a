'use client';

import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export type TChartSeries = { id: string; label: string; color: string; points: { step: number; value: number }[] };

/** Colors that stay apart for up to 10 runs (compare's limit) and read on white. */
export const SERIES_COLORS = ['#2456d6', '#e8590c', '#2b8a3e', '#c2255c', '#7048e8', '#0c8599', '#a07c00', '#5c6b7a', '#d6336c', '#364fc7'];

function compactNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}

/**
 * Metric curves against step, one line per series. Series are merged on step so runs logged at
 * different steps still share the axis; NaN and ±Inf leave a gap (they are listed in tables instead).
 * Points arrive downsampled by the server with the min/max envelope kept, so spikes stay visible.
 */
export function MetricChart({ series, height = 240, testId }: { series: TChartSeries[]; height?: number; testId?: string }) {
  const rows = useMemo(() => {
    const byStep = new Map<number, Record<string, number | null>>();
    series.forEach((s, i) => {
      for (const p of s.points) {
        const row = byStep.get(p.step) ?? { step: p.step };
        row[`s${i}`] = Number.isFinite(p.value) ? p.value : null;
        byStep.set(p.step, row);
      }
    });
    return [...byStep.values()].sort((a, b) => (a.step as number) - (b.step as number));
  }, [series]);

  return (
    <div className="metric-chart" data-testid={testId ?? 'metric-chart'} data-series={series.length} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#eef0f3" vertical={false} />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11, fill: '#5b6675' }} tickFormatter={compactNumber} stroke="#c8ced6" />
          <YAxis domain={['auto', 'auto']} tick={{ fontSize: 11, fill: '#5b6675' }} tickFormatter={compactNumber} width={56} stroke="#c8ced6" />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(step) => `step ${step}`}
            formatter={(value, name) => [typeof value === 'number' ? Number(value.toPrecision(6)) : String(value), String(name)]}
            contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: '#dfe3e8' }}
          />
          {series.map((s, i) => (
            <Line key={s.id} dataKey={`s${i}`} name={s.label} stroke={s.color} strokeWidth={1.6} dot={false} isAnimationActive={false} connectNulls type="linear" />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
