import { formatDateTime } from '../ui/format';
import { formatMs, formatNumber, slaLimitMs } from './model-format';
import type { TGateEvidenceView, TGateResultView } from './registry-types';

const GATE_LABEL: Record<string, string> = {
  complete: 'Complete artifact',
  validation: 'Validation passed',
  benchmark: 'Latency within SLA',
  approval: 'Owner approval (four-eyes)',
};

/** The gates of a version's next step, each met or not with the reason the registry gives. */
export function GatesChecklist({ gates, nextStage, title }: { gates: readonly TGateResultView[]; nextStage: string | null; title?: string }) {
  if (!nextStage || gates.length === 0) return null;
  const met = gates.filter((g) => g.met).length;
  return (
    <div className="gates" data-testid="gates-checklist">
      <div className="gates-head">
        <span className="eyebrow">{title ?? `Gates to ${nextStage}`}</span>
        <span className={met === gates.length ? 'gates-count all-met' : 'gates-count'}>
          {met}/{gates.length} met
        </span>
      </div>
      <ul className="gate-list">
        {gates.map((g) => (
          <li key={g.gate} className={g.met ? 'gate gate-met' : 'gate gate-unmet'} data-testid="gate" data-gate={g.gate} data-met={g.met}>
            <span className="gate-icon" aria-hidden="true">
              {g.met ? '✓' : '✕'}
            </span>
            <span className="gate-text">
              <span className="gate-name">{GATE_LABEL[g.gate] ?? g.gate}</span>
              <span className="sr-only">{g.met ? ' (met)' : ' (not met)'}</span>
              <span className="gate-reason">{g.reason}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The evidence behind the gates: validation checks (metric, threshold, observed, pass/fail) and the latest latency benchmark against the SLA. */
export function EvidenceTables({ evidence }: { evidence: TGateEvidenceView }) {
  const limit = slaLimitMs(evidence.slaClass);
  const bench = evidence.benchmark;
  return (
    <div className="evidence">
      <div className="evidence-block">
        <div className="eyebrow">Validation checks</div>
        {evidence.validations.length === 0 ? (
          <p className="muted small evidence-empty">
            None recorded. CI posts them to <code>POST /api/v1/models/&lt;name&gt;/versions/&lt;n&gt;/validations</code>.
          </p>
        ) : (
          <table className="table table-compact" data-testid="validation-table">
            <thead>
              <tr>
                <th>Check</th>
                <th>Metric</th>
                <th className="num">Threshold</th>
                <th className="num">Observed</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {evidence.validations.map((v) => (
                <tr key={v.name} data-testid="validation-row" data-passed={v.passed}>
                  <td>{v.name}</td>
                  <td>
                    <code>{v.metric}</code>
                  </td>
                  <td className="num nowrap">
                    {v.comparator} {formatNumber(v.threshold)}
                  </td>
                  <td className="num">{formatNumber(v.observed)}</td>
                  <td>{v.passed ? <span className="badge badge-success">pass</span> : <span className="badge badge-danger">fail</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="evidence-block">
        <div className="eyebrow">Latency benchmark</div>
        {!bench ? (
          <p className="muted small evidence-empty">
            Not measured yet. An inference worker reports it on this version (SLA: p99 ≤ {formatMs(limit)}).
          </p>
        ) : (
          <table className="table table-compact" data-testid="benchmark-table">
            <thead>
              <tr>
                <th>Hardware</th>
                <th className="num">Batch</th>
                <th className="num">p50</th>
                <th className="num">p99</th>
                <th className="num">Throughput</th>
                <th>SLA (p99 ≤ {formatMs(limit)})</th>
              </tr>
            </thead>
            <tbody>
              <tr data-testid="benchmark-row" data-within-sla={bench.p99Ms <= limit}>
                <td title={`measured ${formatDateTime(new Date(bench.measuredAt))}`}>{bench.hardware}</td>
                <td className="num">{bench.batchSize}</td>
                <td className="num">{formatMs(bench.p50Ms)}</td>
                <td className="num">{formatMs(bench.p99Ms)}</td>
                <td className="num nowrap">{formatNumber(bench.throughput)}/s</td>
                <td>{bench.p99Ms <= limit ? <span className="badge badge-success">within</span> : <span className="badge badge-danger">breaks</span>}</td>
              </tr>
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
