'use client';

import { useState, type FormEvent } from 'react';
import { useHydrated } from '../ui/use-hydrated';
import { filterClause, HIDDEN_PARAM_KEYS, RUN_STATUSES, type TColumnKind, type TRunStatus, type TRunsViewState } from './runs-view-state';

type TKeys = { metrics: string[]; params: string[]; tags: string[] };
const NUMBER_OPS = ['>', '>=', '<', '<=', '=', '!='];
const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE'];

/**
 * The runs filter: an MLflow filter string (what MLflow's own UI and search_runs accept), status
 * toggles, and a small builder that writes clauses into the string for those who do not know the
 * syntax. The parent re-keys this form when the URL changes.
 */
export function RunsFilterBar({ state, keys, onApply }: { state: TRunsViewState; keys: TKeys | undefined; onApply: (q: string, status: TRunStatus[]) => void }) {
  const hydrated = useHydrated();
  const [q, setQ] = useState(state.q);
  const [field, setField] = useState('');
  const [op, setOp] = useState('>');
  const [value, setValue] = useState('');
  const kind = field.split(':')[0] as TColumnKind | '';
  const ops = kind === 'metric' ? NUMBER_OPS : STRING_OPS;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply(q, state.status);
  }

  function toggleStatus(status: TRunStatus) {
    const next = state.status.includes(status) ? state.status.filter((s) => s !== status) : [...state.status, status];
    onApply(q, next);
  }

  function addClause() {
    if (!kind || !value.trim()) return;
    const key = field.slice(field.indexOf(':') + 1);
    const clause = filterClause(kind, key, ops.includes(op) ? op : ops[0]!, value.trim());
    const next = q.trim() ? `${q.trim()} AND ${clause}` : clause;
    setQ(next);
    setValue('');
    onApply(next, state.status);
  }

  return (
    <div className="card filter-card" data-testid="runs-filters">
      <form onSubmit={submit} className="filter-row">
        <label className="field grow">
          <span>
            Filter <span className="hint">MLflow syntax, clauses joined with AND</span>
          </span>
          <input
            type="text"
            name="q"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="metrics.val_accuracy > 0.9 AND params.optimizer = 'adamw' AND tags.model LIKE 'resnet%'"
            className="mono-input"
            data-testid="runs-filter-input"
            spellCheck={false}
          />
        </label>
        <div className="filter-buttons">
          <button type="submit" className="btn btn-primary" disabled={!hydrated} data-testid="runs-filter-apply">
            Apply
          </button>
          {state.q || state.status.length ? (
            <button type="button" className="btn" onClick={() => onApply('', [])}>
              Clear
            </button>
          ) : null}
        </div>
      </form>
      <div className="filter-row filter-row-secondary">
        <div className="status-toggles" role="group" aria-label="Status">
          <span className="field-label">Status</span>
          {RUN_STATUSES.filter((s) => s !== 'SCHEDULED').map((status) => (
            <button
              key={status}
              type="button"
              className={`chip${state.status.includes(status) ? ' chip-on' : ''}`}
              aria-pressed={state.status.includes(status)}
              onClick={() => toggleStatus(status)}
              disabled={!hydrated}
              data-testid={`status-${status.toLowerCase()}`}
            >
              {status.toLowerCase()}
            </button>
          ))}
        </div>
        <div className="clause-builder" role="group" aria-label="Add a condition">
          <span className="field-label">Add condition</span>
          <select value={field} onChange={(e) => setField(e.target.value)} aria-label="Field" data-testid="clause-field">
            <option value="">field…</option>
            {keys ? (
              <>
                <optgroup label="Metrics (latest value)">
                  {keys.metrics.map((k) => (
                    <option key={k} value={`metric:${k}`}>
                      metrics.{k}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="Params">
                  {keys.params
                    .filter((k) => !HIDDEN_PARAM_KEYS.has(k))
                    .map((k) => (
                      <option key={k} value={`param:${k}`}>
                        params.{k}
                      </option>
                    ))}
                </optgroup>
                <optgroup label="Tags">
                  {keys.tags.map((k) => (
                    <option key={k} value={`tag:${k}`}>
                      tags.{k}
                    </option>
                  ))}
                </optgroup>
              </>
            ) : null}
          </select>
          <select value={ops.includes(op) ? op : ops[0]} onChange={(e) => setOp(e.target.value)} aria-label="Operator" className="op-select" data-testid="clause-op">
            {ops.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
          <input
            type="text"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                addClause();
              }
            }}
            placeholder={kind === 'metric' ? '0.9' : 'value'}
            aria-label="Value"
            className="value-input"
            data-testid="clause-value"
          />
          <button type="button" className="btn btn-sm" onClick={addClause} disabled={!hydrated || !kind || !value.trim()} data-testid="clause-add">
            Add
          </button>
        </div>
      </div>
    </div>
  );
}
