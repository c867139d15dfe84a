import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdmissionGate, type GateTicket } from './admission-gate';

afterEach(() => void vi.useRealTimers());

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('AdmissionGate', () => {
  it('lets a request in at once while the queue has room for it and the rows already promised', async () => {
    vi.useFakeTimers();
    let room = 15;
    const gate = new AdmissionGate({ room: () => room, maxWaitMs: 500, maxRows: 1024 });
    const first = gate.enter(10) as GateTicket;
    expect(typeof first.release).toBe('function'); // no wait: a ticket, not a promise
    let second: GateTicket | null | undefined;
    void Promise.resolve(gate.enter(10)).then((t) => (second = t));
    await flush();
    expect(second).toBeUndefined(); // 15 rows of room, 10 promised: 10 more must wait
    expect(gate.waiting).toBe(1);
    room = 5; // the first request's rows went into the queue...
    first.release(); // ...and its reservation came back
    await flush();
    expect(second).toBeUndefined(); // 5 rows of room is still not 10
    room = 12;
    gate.wake(); // a batch started
    await flush();
    expect(second).not.toBeNull();
    expect(second).toBeDefined();
    expect(gate.waiting).toBe(0);
  });

  it('refuses with null after maxWaitMs without room, and keeps FIFO order', async () => {
    vi.useFakeTimers();
    let room = 0;
    const gate = new AdmissionGate({ room: () => room, maxWaitMs: 500, maxRows: 1024 });
    const order: string[] = [];
    const big = Promise.resolve(gate.enter(8)).then((t) => (order.push(`big:${t ? 'in' : 'refused'}`), t));
    await vi.advanceTimersByTimeAsync(100);
    const small = Promise.resolve(gate.enter(1)).then((t) => (order.push(`small:${t ? 'in' : 'refused'}`), t));
    room = 4;
    gate.wake();
    await flush();
    expect(order).toEqual([]); // the small one does not overtake the big one at the head
    await vi.advanceTimersByTimeAsync(400); // the big one's 500 ms are up
    expect(await big).toBeNull();
    expect(await small).not.toBeNull(); // and with it gone the small one fits
    expect(order).toEqual(['big:refused', 'small:in']);
  });

  it('estimates rows from the body size at the bytes per row seen, capped at maxRows', () => {
    const gate = new AdmissionGate({ room: () => 0, maxWaitMs: 1, maxRows: 100 });
    expect(gate.estimateRows('predict', 10_000)).toBe(1); // nothing learned yet
    gate.learn('predict', 2_000, 10);
    expect(gate.estimateRows('predict', 4_000)).toBe(20);
    expect(gate.estimateRows('predict', null)).toBe(1); // chunked: no Content-Length
    expect(gate.estimateRows('predict', 1_000_000)).toBe(100);
    expect(gate.estimateRows('infer:churn', 4_000)).toBe(1); // kinds learn apart
  });
});
