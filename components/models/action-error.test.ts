import { TRPCClientError } from '@trpc/client';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ActionError } from './action-error';

/** A refusal as the tRPC client hands it to a component: the formatter's shape (server/api/trpc.ts). */
function refused(message: string, data: Record<string, unknown>) {
  return TRPCClientError.from({ error: { message, code: -32009, data } });
}

const render = (error: unknown) => renderToStaticMarkup(createElement(ActionError, { error }));

describe('ActionError renders unmet gates from the refusal details, never from its message', () => {
  it('lists each unmet gate with its reason from details.unmet', () => {
    const html = render(
      refused('anything at all', {
        code: 'GATES_UNMET',
        httpStatus: 409,
        details: {
          model: 'churn',
          version: 3,
          to: 'production',
          unmet: [
            { gate: 'validation', met: false, reason: 'validation failed: holdout (accuracy 0.85 not >= 0.9); drift (psi 0.3 not <= 0.2)' },
            { gate: 'benchmark', met: false, reason: 'no latency benchmark has been measured by a worker (realtime SLA: p99 <= 100 ms)' },
          ],
        },
      }),
    );
    expect(html).toContain('data-code="GATES_UNMET"');
    expect(html).toContain('Version 3 of churn cannot go to production yet. Unmet gates:');
    // A reason with "; " inside stays one item: nothing is split.
    expect(html.match(/data-testid="unmet-gate"/g)).toHaveLength(2);
    expect(html).toContain('data-gate="validation"><strong>validation</strong>: validation failed: holdout (accuracy 0.85 not &gt;= 0.9); drift (psi 0.3 not &lt;= 0.2)</li>');
    expect(html).toContain('data-gate="benchmark"><strong>benchmark</strong>: no latency benchmark');
  });

  it('a message that reads like a gate list but carries no GATES_UNMET details is shown as written', () => {
    const html = render(refused('version 3 cannot move to production; unmet gates: benchmark: none', { code: 'CONFLICT', httpStatus: 409 }));
    expect(html).not.toContain('unmet-gate');
    expect(html).toContain('Version 3 cannot move to production; unmet gates: benchmark: none');
    expect(render(refused('only the requester may withdraw a promotion request', { code: 'NOT_REQUESTER', httpStatus: 403, details: { requestId: 'r' } }))).toContain(
      'Only the requester may withdraw a promotion request',
    );
  });
});
