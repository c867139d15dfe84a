'use client';

import { useState } from 'react';
import type { TRole } from '@/server/auth/permissions';
import { CreateTokenForm } from './create-token-form';
import { NewTokenSecret } from './new-token-secret';
import { TokenTable } from './token-table';

export function ApiTokens({ role, seesEveryone }: { role: TRole | null; seesEveryone: boolean }) {
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  return (
    <>
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Create an API token</h2>
            <p>For training scripts, CI jobs and inference workers. A token acts on your behalf, with the scopes you give it.</p>
          </div>
        </div>
        <div className="card-body">
          {created ? <NewTokenSecret name={created.name} secret={created.secret} onDone={() => setCreated(null)} /> : null}
          <CreateTokenForm role={role} onCreated={setCreated} />
        </div>
      </section>
      <section className="card">
        <div className="card-header">
          <div>
            <h2>API tokens</h2>
            <p>{seesEveryone ? 'Every token on this installation (you are an admin).' : 'The tokens you created.'}</p>
          </div>
        </div>
        <TokenTable />
      </section>
    </>
  );
}
