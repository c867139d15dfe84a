'use client';

import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export type TTimePoint = { t: number; value: number | null };
export type TTimeSeries = { id: string; label: string; color: string; points: TTimePoint[]; dashed?: boolean };
export type TThresholdLine = { y: number; label: string; color?: string };

const pad = (n: number) => String(n).padStart(2, '0');
/** Minute ticks within a day, the date once a range spans more. */
function timeTick(spanMs: number) {
  return (t: number) => {
    const d = new Date(t);
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return spanMs > 86_400_000 ? `${d.getMonth() + 1}/${d.getDate()} ${hm}` : hm;
  };
}

/**
 * Series against wall-clock time (one line per version or feature), merged on the timestamp so a
 * minute one series lacks leaves a gap instead of shifting the line. Threshold lines are drawn
 * dashed with their label; the y domain always includes them so the reader sees the distance.
 */
export function TimeSeriesChart(props: {
  series: TTimeSeries[];
  format?: (value: number) => string;
  thresholds?: TThresholdLine[];
  height?: number;
  testId?: string;
  yMin?: number;
}) {
  const { series, thresholds = [], format = (v: number) => String(Number(v.toPrecision(3))) } = props;
  const rows = useMemo(() => {
    const byT = new Map<number, Record<string, number | null>>();
    series.forEach((s, i) => {
      for (const p of s.points) {
        const row = byT.get(p.t) ?? { t: p.t };
        row[`s${i}`] = p.value !== null && Number.isFinite(p.value) ? p.value : null;
        byT.set(p.t, row);
      }
    });
    return [...byT.values()].sort((a, b) => (a.t as number) - (b.t as number));
  }, [series]);
  const span = rows.length > 1 ? (rows[rows.length - 1]!.t as number) - (rows[0]!.t as number) : 0;
  const maxThreshold = thresholds.reduce((m, t) => Math.max(m, t.y), Number.NEGATIVE_INFINITY);
  const points = rows.reduce((n, r) => n + Object.keys(r).length - 1, 0);
  return (
    <div className="metric-chart" data-testid={props.testId ?? 'time-series-chart'} data-series={series.length} data-points={points} style={{ height: props.height ?? 220 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 14, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#eef0f3" vertical={false} />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={timeTick(span)} tick={{ fontSize: 11, fill: '#5b6675' }} stroke="#c8ced6" minTickGap={24} />
          <YAxis
            domain={[props.yMin ?? 'auto', (max: number) => (Number.isFinite(maxThreshold) ? Math.max(max, maxThreshold * 1.15) : max)]}
            tick={{ fontSize: 11, fill: '#5b6675' }}
            tickFormatter={format}
            width={58}
            stroke="#c8ced6"
            allowDataOverflow={false}
          />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
            formatter={(value, name) => [typeof value === 'number' ? format(value) : String(value), String(name)]}
            contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: '#dfe3e8' }}
          />
          <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
          {thresholds.map((th) => (
            <ReferenceLine
              key={th.label}
              y={th.y}
              stroke={th.color ?? '#c23030'}
              strokeDasharray="5 4"
              ifOverflow="extendDomain"
              label={{ value: th.label, position: 'insideTopRight', fontSize: 11, fill: th.color ?? '#c23030' }}
            />
          ))}
          {series.map((s, i) => (
            <Line
              key={s.id}
              dataKey={`s${i}`}
              name={s.label}
              stroke={s.color}
              strokeWidth={1.8}
              strokeDasharray={s.dashed ? '4 3' : undefined}
              dot={rows.length < 3 ? { r: 3 } : false}
              isAnimationActive={false}
              connectNulls={false}
              type="monotone"
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
