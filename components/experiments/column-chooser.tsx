'use client';

import { useEffect, useRef } from 'react';
import { defaultColumns, HIDDEN_PARAM_KEYS, type TColumnKind, type TDataColumn } from './runs-view-state';

type TKeys = { metrics: string[]; params: string[]; tags: string[] };

const GROUPS: { kind: TColumnKind; title: string; of: (k: TKeys) => string[] }[] = [
  { kind: 'metric', title: 'Metrics', of: (k) => k.metrics },
  { kind: 'param', title: 'Params', of: (k) => k.params.filter((p) => !HIDDEN_PARAM_KEYS.has(p)) },
  { kind: 'tag', title: 'Tags', of: (k) => k.tags },
];

/** Which metric, param and tag columns the runs table shows; the choice is kept in the URL. */
export function ColumnChooser({ keys, columns, onChange }: { keys: TKeys | undefined; columns: TDataColumn[]; onChange: (columns: TDataColumn[] | null) => void }) {
  const ref = useRef<HTMLDetailsElement>(null);

  // A popover closes on a click elsewhere or Escape, as menus do.
  useEffect(() => {
    function close(event: MouseEvent | KeyboardEvent) {
      const details = ref.current;
      if (!details?.open) return;
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !details.contains(event.target as Node)) details.open = false;
    }
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);

  const isShown = (kind: TColumnKind, key: string) => columns.some((c) => c.kind === kind && c.key === key);
  function toggle(kind: TColumnKind, key: string) {
    onChange(isShown(kind, key) ? columns.filter((c) => !(c.kind === kind && c.key === key)) : [...columns, { kind, key }]);
  }

  return (
    <details className="popover" ref={ref} data-testid="column-chooser">
      <summary className="btn btn-sm">Columns ({columns.length})</summary>
      <div className="popover-panel" role="group" aria-label="Columns">
        {!keys ? (
          <p className="muted">Loading…</p>
        ) : (
          <>
            {GROUPS.map((group) => {
              const options = group.of(keys);
              return (
                <fieldset key={group.kind} className="chooser-group">
                  <legend>
                    {group.title} <span className="muted">({options.length})</span>
                  </legend>
                  {options.length === 0 ? <p className="muted small">none logged</p> : null}
                  {options.map((key) => (
                    <label key={key} className="chooser-option">
                      <input type="checkbox" checked={isShown(group.kind, key)} onChange={() => toggle(group.kind, key)} />
                      <span className="ellipsis" title={key}>
                        {key}
                      </span>
                    </label>
                  ))}
                </fieldset>
              );
            })}
            <div className="chooser-actions">
              <button type="button" className="btn btn-sm" onClick={() => onChange(null)} disabled={sameColumns(columns, defaultColumns(keys))}>
                Reset to defaults
              </button>
              <button type="button" className="btn btn-sm" onClick={() => onChange([])}>
                Hide all
              </button>
            </div>
          </>
        )}
      </div>
    </details>
  );
}

function sameColumns(a: TDataColumn[], b: TDataColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c.kind === b[i]!.kind && c.key === b[i]!.key);
}
