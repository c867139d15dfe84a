'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../trpc';
import { ActionError } from '../models/action-error';
import { useHydrated } from '../ui/use-hydrated';

type TStrategy = 'canary' | 'blue_green' | 'ab_test';

function parseSteps(text: string): number[] | null {
  const parts = text
    .split(/[\s,>→-]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) return null;
  const steps = parts.map(Number);
  return steps.every((s) => Number.isFinite(s)) ? steps : null;
}

/** Starts a deployment: model, candidate version (from staging), strategy and its settings. */
export function CreateDeploymentForm({ initialModel, onClose }: { initialModel?: string; onClose?: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const hydrated = useHydrated();
  const models = useQuery(trpc.models.list.queryOptions());
  const [modelName, setModelName] = useState(initialModel ?? '');
  const model = useQuery({ ...trpc.models.get.queryOptions({ name: modelName }), enabled: modelName !== '' });
  const [version, setVersion] = useState('');
  const [strategy, setStrategy] = useState<TStrategy>('canary');
  const [canaryPercent, setCanaryPercent] = useState('5');
  const [durationH, setDurationH] = useState('24');
  const [stepsText, setStepsText] = useState('');
  const [autoPromote, setAutoPromote] = useState(true);
  const [splitA, setSplitA] = useState('50');
  const [outcomeKind, setOutcomeKind] = useState<'binary' | 'continuous'>('binary');
  const [comment, setComment] = useState('');
  const [formError, setFormError] = useState<string | null>(null);

  const create = useMutation(
    trpc.deployments.create.mutationOptions({
      onSuccess: async (d) => {
        await queryClient.invalidateQueries({ queryKey: trpc.deployments.list.queryKey() });
        router.push(`/deployments/${(d as { id: string }).id}`);
      },
    }),
  );

  const versions = model.data?.versions ?? [];
  const production = model.data?.productionVersion ?? null;

  function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const v = Number(version);
    if (!modelName || !Number.isInteger(v) || v < 1) return setFormError('Choose a model and a candidate version.');
    const base = { modelName, version: v, strategy, comment };
    if (strategy === 'canary') {
      const steps = stepsText.trim() ? parseSteps(stepsText) : undefined;
      if (steps === null) return setFormError('Steps are percentages separated by commas or arrows, e.g. 5, 25, 50, 100.');
      const hours = Number(durationH);
      if (!(hours > 0)) return setFormError('The duration must be above 0 hours.');
      create.mutate({ ...base, canary: { percent: Number(canaryPercent), durationS: Math.round(hours * 3600), steps, autoPromote } });
    } else if (strategy === 'ab_test') {
      const a = Number(splitA);
      create.mutate({ ...base, split: { a, b: 100 - a }, outcomeKind });
    } else {
      create.mutate(base);
    }
  }

  return (
    <section className="card" data-testid="create-deployment">
      <div className="card-header">
        <div>
          <h2>New deployment</h2>
          <p>The candidate must be in staging with its validation and benchmark gates met. One active deployment per model.</p>
        </div>
        {onClose ? (
          <button type="button" className="btn btn-sm" onClick={onClose}>
            Cancel
          </button>
        ) : null}
      </div>
      <form className="card-body deploy-form" onSubmit={submit} data-testid="create-deployment-form">
        <div className="form-grid">
          <label className="field">
            <span>Model</span>
            <select
              value={modelName}
              onChange={(e) => {
                setModelName(e.target.value);
                setVersion('');
              }}
              data-testid="deploy-model"
            >
              <option value="">Choose a model…</option>
              {(models.data ?? []).map((m) => (
                <option key={m.id} value={m.name}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Candidate version</span>
            <select value={version} onChange={(e) => setVersion(e.target.value)} disabled={!model.data} data-testid="deploy-version">
              <option value="">{modelName ? 'Choose a version…' : 'Choose a model first'}</option>
              {[...versions]
                .sort((a, b) => b.version - a.version)
                .map((v) => (
                  <option key={v.id} value={v.version} disabled={v.stage !== 'staging'}>
                    v{v.version} — {v.stage}
                  </option>
                ))}
            </select>
            <span className="hint">{production ? `Production serves v${production} today.` : 'No production version yet: use blue-green for a first deployment.'}</span>
          </label>
          <fieldset className="field field-wide">
            <legend>Strategy</legend>
            <div className="segmented" role="radiogroup">
              {(
                [
                  ['canary', 'Canary'],
                  ['blue_green', 'Blue-green'],
                  ['ab_test', 'A/B test'],
                ] as const
              ).map(([id, label]) => (
                <label key={id} className={strategy === id ? 'segment segment-on' : 'segment'}>
                  <input type="radio" name="strategy" value={id} checked={strategy === id} onChange={() => setStrategy(id)} data-testid={`strategy-${id}`} />
                  {label}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        {strategy === 'canary' ? (
          <div className="form-grid">
            <label className="field">
              <span>Candidate share (%)</span>
              <input type="number" min={0.01} max={100} step="any" value={canaryPercent} onChange={(e) => setCanaryPercent(e.target.value)} disabled={stepsText.trim() !== ''} data-testid="canary-percent" />
            </label>
            <label className="field">
              <span>Duration per step (hours)</span>
              <input type="number" min={0.001} step="any" value={durationH} onChange={(e) => setDurationH(e.target.value)} data-testid="canary-duration" />
            </label>
            <label className="field">
              <span>Steps (optional)</span>
              <input type="text" placeholder="5, 25, 50, 100" value={stepsText} onChange={(e) => setStepsText(e.target.value)} data-testid="canary-steps" />
              <span className="hint">Percentages, increasing; replaces the single share.</span>
            </label>
          </div>
        ) : null}
        {strategy === 'canary' ? (
          <label className="checkbox-row">
            <input type="checkbox" checked={autoPromote} onChange={(e) => setAutoPromote(e.target.checked)} /> Promote by itself when healthy at the end (otherwise wait for an
            owner&apos;s click)
          </label>
        ) : null}
        {strategy === 'ab_test' ? (
          <div className="form-grid">
            <label className="field">
              <span>Split: A (production) %</span>
              <input type="number" min={1} max={99} value={splitA} onChange={(e) => setSplitA(e.target.value)} data-testid="split-a" />
              <span className="hint">B (candidate) gets {Number.isFinite(Number(splitA)) ? 100 - Number(splitA) : '—'}%.</span>
            </label>
            <label className="field">
              <span>Outcome</span>
              <select value={outcomeKind} onChange={(e) => setOutcomeKind(e.target.value as 'binary' | 'continuous')}>
                <option value="binary">Binary (converted / correct)</option>
                <option value="continuous">Continuous (a value)</option>
              </select>
            </label>
          </div>
        ) : null}
        {strategy === 'blue_green' ? <p className="muted small">Every live worker loads and checks the candidate; traffic switches all at once when all are ready.</p> : null}
        <label className="field">
          <span>Comment</span>
          <input type="text" value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Why this rollout (shown in the audit log)" />
        </label>
        {formError ? (
          <div className="alert alert-error" role="alert">
            {formError}
          </div>
        ) : null}
        {/* Unmet gates come as a list, read from the refusal's details. */}
        <ActionError error={create.error} testId="create-deployment-error" />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={!hydrated || create.isPending} data-testid="create-deployment-submit">
            {create.isPending ? 'Starting…' : 'Start deployment'}
          </button>
        </div>
      </form>
    </section>
  );
}
