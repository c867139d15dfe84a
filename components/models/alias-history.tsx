'use client';

import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ErrorAlert } from '../ui/error-alert';
import { formatDateTime } from '../ui/format';
import { useTRPC } from '../trpc';
import type { TAliasMove } from './registry-types';
import { AliasChip } from './stage-badge';

const pad = (n: number) => String(n).padStart(2, '0');
const localInputValue = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

/** Every alias move: who, when, from which version to which, and why. */
export function AliasHistory({ moves }: { moves: readonly TAliasMove[] }) {
  if (!moves.length) return <p className="muted empty-inline-text">No alias has moved yet. The first approved promotion points @production at a version.</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="alias-history">
        <thead>
          <tr>
            <th>When</th>
            <th>Alias</th>
            <th>From</th>
            <th />
            <th>To</th>
            <th>Who</th>
            <th>Cause</th>
          </tr>
        </thead>
        <tbody>
          {moves.map((m, i) => (
            <tr key={i} data-testid="alias-move" data-alias={m.alias} data-cause={m.cause}>
              <td className="nowrap">
                <time dateTime={new Date(m.at).toISOString()}>{formatDateTime(new Date(m.at))}</time>
              </td>
              <td>
                <AliasChip alias={m.alias} />
              </td>
              <td>{m.fromVersion === null ? <span className="muted">—</span> : `v${m.fromVersion}`}</td>
              <td className="muted" aria-hidden="true">
                →
              </td>
              <td>{m.toVersion === null ? <span className="muted">removed</span> : <strong>v{m.toVersion}</strong>}</td>
              <td>{m.actor}</td>
              <td>
                <span className="badge">{m.cause}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Which version served production on <date>": the last move of the alias at or before that moment. */
export function ServedAtPicker({ modelName, aliases }: { modelName: string; aliases: readonly string[] }) {
  const trpc = useTRPC();
  const inputId = useId();
  // Until a moment is picked the question is "now" (to the millisecond, so a move made a moment ago counts).
  const [now, setNow] = useState(() => new Date());
  const [picked, setPicked] = useState<string | null>(null);
  const [alias, setAlias] = useState('production');
  const at = picked === null ? now : new Date(picked);
  const valid = !Number.isNaN(at.getTime());
  const query = useQuery({ ...trpc.models.servedAt.queryOptions({ name: modelName, at, alias }), enabled: valid });
  const choices = [...new Set(['production', ...aliases])];
  return (
    <div className="served-at" data-testid="served-at">
      <div className="served-at-form">
        <label className="field">
          <span>Alias</span>
          <select value={alias} onChange={(e) => setAlias(e.target.value)}>
            {choices.map((a) => (
              <option key={a} value={a}>
                @{a}
              </option>
            ))}
          </select>
        </label>
        <label className="field" htmlFor={inputId}>
          <span>At</span>
          <input
            id={inputId}
            type="datetime-local"
            step={1}
            value={picked ?? localInputValue(now)}
            onChange={(e) => setPicked(e.target.value)}
            data-testid="served-at-input"
          />
        </label>
        <button
          type="button"
          className="btn"
          onClick={() => {
            setNow(new Date());
            setPicked(null);
          }}
        >
          Now
        </button>
      </div>
      <div className="served-at-answer" data-testid="served-at-answer" aria-live="polite">
        {!valid ? (
          <span className="muted">Pick a date and time.</span>
        ) : query.isPending ? (
          <span className="muted">Looking it up…</span>
        ) : query.error ? (
          <ErrorAlert error={query.error} />
        ) : query.data.version === null ? (
          <span>
            No version was <AliasChip alias={alias} /> {picked === null ? 'now' : `on ${formatDateTime(at)}`}.
          </span>
        ) : (
          <span>
            {picked === null ? 'Now' : `On ${formatDateTime(at)}`}, <AliasChip alias={alias} /> {picked === null ? 'is' : 'was'} <strong data-testid="served-at-version">version {query.data.version}</strong>
            <span className="muted"> (since {formatDateTime(query.data.since ? new Date(query.data.since) : null)})</span>.
          </span>
        )}
      </div>
    </div>
  );
}
