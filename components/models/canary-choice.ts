/** The canary sizes and lengths the dashboard offers (the API takes any percent and duration). */
export const CANARY_PERCENTS = [1, 5, 10, 25, 50] as const;
export const CANARY_DURATIONS = [
  { seconds: 900, label: '15 minutes' },
  { seconds: 3_600, label: '1 hour' },
  { seconds: 21_600, label: '6 hours' },
  { seconds: 86_400, label: '24 hours' },
] as const;

function duration(seconds: number): string {
  const known = CANARY_DURATIONS.find((d) => d.seconds === seconds);
  if (known) return known.label;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} hours`;
  if (seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

/** "gets 10% of traffic for 1 hour" or, with steps, "steps through 5% → 25% → 50%, 1 hour each". */
export function describeCanary(canary: { percent: number; durationS: number; steps?: number[] }): string {
  if (canary.steps?.length) return `steps through ${canary.steps.map((s) => `${s}%`).join(' → ')} of traffic, ${duration(canary.durationS)} each`;
  return `gets ${canary.percent}% of traffic for ${duration(canary.durationS)}`;
}
