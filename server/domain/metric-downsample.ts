/*
 * Min/max envelope downsampling for metric curves. A chart of a million-step loss curve needs a
 * few thousand points, and averaging would hide exactly what people look for (spikes, divergence),
 * so each bucket keeps its lowest and highest point instead.
 *
 *   - The interior points (all but the first and last) are bucketed by step into
 *     B = floor((maxPoints - 2) / 2) equal-width ranges of [firstStep, lastStep]; bucketing by step
 *     rather than by index keeps a densely logged stretch from crowding out a sparse one.
 *   - Each bucket keeps its minimum and maximum point (one point when they coincide), in step
 *     order; ties go to the earliest point. The first and last points are always kept, so at most
 *     2 + 2B <= maxPoints points come back, and the global minimum and maximum always survive.
 *   - NaN and ±Infinity values are returned unchanged but are never picked as a bucket's min or max
 *     while the bucket has a finite value. A bucket of only non-finite values keeps its "lowest" and
 *     "highest" of them in the order -Infinity < NaN < +Infinity, so a divergence still shows.
 */

export type TMetricPoint = { step: number; value: number };

const NON_FINITE_RANK_NEG_INF = 0;
const NON_FINITE_RANK_NAN = 1;
const NON_FINITE_RANK_POS_INF = 2;

function nonFiniteRank(value: number): number {
  if (value === Number.NEGATIVE_INFINITY) return NON_FINITE_RANK_NEG_INF;
  if (value === Number.POSITIVE_INFINITY) return NON_FINITE_RANK_POS_INF;
  return NON_FINITE_RANK_NAN;
}

function checkMaxPoints(maxPoints: number): void {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new RangeError(`maxPoints must be an integer >= 2 (the first and last points are always kept), got ${maxPoints}`);
  }
}

function unsortedStep(index: number, steps: ArrayLike<number>): RangeError {
  return new RangeError(
    `steps must be finite and sorted ascending; step[${index}] = ${steps[index]} follows step[${index - 1}] = ${steps[index - 1]}`,
  );
}

// Returns the indices of the points to keep, ascending. Works on typed arrays so a million-point
// series is a single pass without allocating per point.
export function downsampleIndices(steps: ArrayLike<number>, values: ArrayLike<number>, maxPoints: number): Uint32Array {
  checkMaxPoints(maxPoints);
  const count = steps.length;
  if (values.length !== count) throw new RangeError(`steps has ${count} entries but values has ${values.length}`);
  if (count === 0) return new Uint32Array(0);
  const firstStep = steps[0] as number;
  const lastStep = steps[count - 1] as number;
  if (!Number.isFinite(firstStep) || !Number.isFinite(lastStep)) {
    throw new RangeError('steps must be finite and sorted ascending');
  }

  if (count <= maxPoints) {
    const all = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      if (i > 0 && !((steps[i] as number) >= (steps[i - 1] as number))) throw unsortedStep(i, steps);
      all[i] = i;
    }
    return all;
  }

  const bucketCount = Math.floor((maxPoints - 2) / 2);
  const kept = new Uint32Array(2 + 2 * bucketCount);
  let keptCount = 0;
  kept[keptCount++] = 0;

  const span = lastStep - firstStep;
  let bucket = -1;
  let minIndex = -1;
  let maxIndex = -1;
  let minValue = 0;
  let maxValue = 0;
  let lowIndex = -1;
  let highIndex = -1;
  let lowRank = 0;
  let highRank = 0;

  const flush = (): void => {
    const a = minIndex >= 0 ? minIndex : lowIndex;
    const b = minIndex >= 0 ? maxIndex : highIndex;
    if (a < 0) return;
    if (a === b) kept[keptCount++] = a;
    else {
      kept[keptCount++] = Math.min(a, b);
      kept[keptCount++] = Math.max(a, b);
    }
  };

  let previousStep = firstStep;
  for (let i = 1; i < count - 1; i++) {
    const step = steps[i] as number;
    if (!(step >= previousStep)) throw unsortedStep(i, steps);
    previousStep = step;
    if (bucketCount === 0) continue;

    let pointBucket = span > 0 ? Math.floor(((step - firstStep) * bucketCount) / span) : 0;
    if (pointBucket >= bucketCount) pointBucket = bucketCount - 1;
    if (pointBucket !== bucket) {
      flush();
      bucket = pointBucket;
      minIndex = maxIndex = lowIndex = highIndex = -1;
    }

    const value = values[i] as number;
    if (Number.isFinite(value)) {
      if (minIndex < 0 || value < minValue) {
        minIndex = i;
        minValue = value;
      }
      if (maxIndex < 0 || value > maxValue) {
        maxIndex = i;
        maxValue = value;
      }
    } else {
      const rank = nonFiniteRank(value);
      if (lowIndex < 0 || rank < lowRank) {
        lowIndex = i;
        lowRank = rank;
      }
      if (highIndex < 0 || rank > highRank) {
        highIndex = i;
        highRank = rank;
      }
    }
  }
  if (!(lastStep >= previousStep)) throw unsortedStep(count - 1, steps);
  flush();

  kept[keptCount++] = count - 1;
  return kept.subarray(0, keptCount);
}

export function downsampleMetricSeries(points: readonly TMetricPoint[], maxPoints: number): TMetricPoint[] {
  const steps = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const point = points[i] as TMetricPoint;
    steps[i] = point.step;
    values[i] = point.value;
  }
  const kept = downsampleIndices(steps, values, maxPoints);
  const result: TMetricPoint[] = new Array<TMetricPoint>(kept.length);
  for (let i = 0; i < kept.length; i++) result[i] = points[kept[i] as number] as TMetricPoint;
  return result;
}

/** Step widths (2^shift) of the chart rollups the metric writer keeps; the series reader picks the finest within its budget. */
export const ROLLUP_SHIFTS = [4, 8, 12, 16];
