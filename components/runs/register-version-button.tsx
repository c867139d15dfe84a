'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ActionButton } from '../models/action-button';
import { useTRPC, useTRPCClient } from '../trpc';

/**
 * "Register model version" on a run page: the run's ONNX file becomes the next version of a
 * registered model (signature read from the file; golden examples, reference statistics and the
 * run's dataset versions come with it), then the model page opens on it.
 */
export function RegisterVersionButton({ runId, onnxPath }: { runId: string; onnxPath: string | null }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const router = useRouter();
  const models = useQuery(trpc.models.list.queryOptions());
  const [modelName, setModelName] = useState('');
  const names = (models.data ?? []).map((m) => m.name);
  const chosen = modelName || names[0] || '';
  // The version's source: the folder holding the ONNX file (runs:/<id>/model for model/model.onnx).
  const folder = onnxPath?.includes('/') ? onnxPath.slice(0, onnxPath.lastIndexOf('/')) : (onnxPath ?? 'model');
  return (
    <ActionButton
      label="Register model version"
      tone="primary"
      title="Register this run's model as a new version?"
      confirmLabel="Register version"
      testId="register-version"
      text={{ label: 'Description', placeholder: 'What is new in this version', hint: 'optional' }}
      run={async (description) => {
        if (!chosen) throw new Error('create a registered model first (Models page)');
        const version = await client.models.createVersion.mutate({ modelName: chosen, runId, source: `runs:/${runId}/${folder}`, description });
        router.push(`/models/${encodeURIComponent(chosen)}#v${version.version}`);
      }}
    >
      {onnxPath ? (
        <p>
          The version is made from <code>{onnxPath}</code>: its signature is read from the file, and the run&apos;s golden examples, reference statistics and dataset versions come with it. It
          starts in development.
        </p>
      ) : (
        <p className="alert alert-warning">This run has no .onnx artifact yet: the registry will refuse it until the model file is logged.</p>
      )}
      {names.length ? (
        <label className="field dialog-field">
          <span>Registered model</span>
          <select value={chosen} onChange={(e) => setModelName(e.target.value)} data-testid="register-model">
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <p className="muted">
          No registered models yet: <Link href="/models">create one</Link> first.
        </p>
      )}
    </ActionButton>
  );
}
