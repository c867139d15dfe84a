'use client';

import { CopyButton } from '../ui/copy-button';

/** The one time a token's secret is visible: it is never stored, so it cannot be shown again. */
export function NewTokenSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <section className="secret-box" role="status" data-testid="new-token">
      <h3>Token “{name}” created</h3>
      <p>
        <strong>Copy the secret now: it will not be shown again.</strong> Ballast keeps only a hash of it. If you lose it, revoke this token and create
        another.
      </p>
      <div className="secret-row">
        <code data-testid="token-secret">{secret}</code>
        <CopyButton text={secret} label="Copy secret" testId="copy-secret" />
      </div>
      <button type="button" className="btn btn-sm" onClick={onDone} data-testid="secret-done">
        I have stored it
      </button>
    </section>
  );
}
