'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export type THistogramSeries = { id: string; label: string; color: string; values: number[] };

const short = (v: number) => {
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e4 || abs < 1e-2)) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
};

/**
 * Bars over shared bins (edges has one more entry than each series' values), series side by side
 * so live and training distributions compare bin by bin.
 */
export function HistogramChart(props: { edges: number[]; series: THistogramSeries[]; format?: (v: number) => string; height?: number; testId?: string }) {
  const format = props.format ?? short;
  const rows = props.edges.slice(0, -1).map((lo, i) => {
    const row: Record<string, number | string> = { bin: `${short(lo)}–${short(props.edges[i + 1]!)}` };
    props.series.forEach((s, j) => (row[`s${j}`] = s.values[i] ?? 0));
    return row;
  });
  return (
    <div className="metric-chart" data-testid={props.testId ?? 'histogram-chart'} data-bins={rows.length} style={{ height: props.height ?? 220 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} barGap={1} barCategoryGap="12%">
          <CartesianGrid stroke="#eef0f3" vertical={false} />
          <XAxis dataKey="bin" tick={{ fontSize: 10, fill: '#5b6675' }} stroke="#c8ced6" interval="preserveStartEnd" minTickGap={8} />
          <YAxis tick={{ fontSize: 11, fill: '#5b6675' }} tickFormatter={format} width={52} stroke="#c8ced6" />
          <Tooltip isAnimationActive={false} formatter={(value, name) => [typeof value === 'number' ? format(value) : String(value), String(name)]} contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: '#dfe3e8' }} />
          {props.series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
          {props.series.map((s, j) => (
            <Bar key={s.id} dataKey={`s${j}`} name={s.label} fill={s.color} isAnimationActive={false} radius={[2, 2, 0, 0]} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
