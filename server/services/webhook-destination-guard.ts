import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { DomainError } from '../domain/errors';
import { checkWebhookUrl, refusedAddressProblem, type TWebhookDestinationPolicy, type TWebhookTarget } from '../domain/webhook-destination';

/*
 * The I/O half of the webhook destination rules (domain/webhook-destination.ts decides): names
 * are resolved and every answer checked at creation, and again at delivery inside the socket's
 * own lookup, so the address checked is the address connected to - a name that answered a public
 * address at creation and 127.0.0.1 now (DNS rebinding) is refused before any byte is sent.
 */

/** Resolves a host name to all its addresses (node's resolver by default: /etc/hosts, then DNS). */
export type TResolveHost = (host: string) => Promise<string[]>;

export const systemResolve: TResolveHost = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))));

export class WebhookDestinationRefused extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'WebhookDestinationRefused';
  }
}

/** The first refused answer for `host`, or null when every address it resolves to is public. */
function refusedAnswer(host: string, addresses: readonly string[]): string | null {
  if (!addresses.length) return `url: ${host} resolves to no address`;
  for (const a of addresses) {
    const problem = refusedAddressProblem(a, host);
    if (problem) return problem;
  }
  return null;
}

/**
 * At creation: the URL's own rules, then (for a host name not on the allow list) every address it
 * resolves to. Any refusal is a 400 naming the field and the range; a name that does not resolve
 * is refused too - it could never be delivered, and a later answer is checked at delivery anyway.
 */
export async function checkWebhookDestination(raw: string, policy: TWebhookDestinationPolicy, resolve: TResolveHost = systemResolve): Promise<TWebhookTarget> {
  const checked = checkWebhookUrl(raw, policy);
  if (!checked.ok) throw new DomainError('BAD_REQUEST', `invalid webhook: ${checked.problem}`, { field: 'url', rule: 'WEBHOOK_DESTINATION' });
  const { target } = checked;
  if (target.literal || target.allowListed) return target;
  let addresses: string[];
  try {
    addresses = await resolve(target.host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new DomainError('BAD_REQUEST', `invalid webhook: url: ${target.host} does not resolve (${code})`, { field: 'url', rule: 'WEBHOOK_DESTINATION' });
  }
  const problem = refusedAnswer(target.host, addresses);
  if (problem) throw new DomainError('BAD_REQUEST', `invalid webhook: ${problem}`, { field: 'url', rule: 'WEBHOOK_DESTINATION' });
  return target;
}

/**
 * A socket lookup that resolves with `resolve` and - unless the host is allow-listed - refuses
 * the connection when any answer is refused: the socket connects to an address checked here.
 */
function guardedLookup(resolve: TResolveHost, check: boolean): LookupFunction {
  return ((hostname: string, options: LookupAllOptions | { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    resolve(hostname).then(
      (all) => {
        const problem = check ? refusedAnswer(hostname, all) : null;
        if (problem) return callback(new WebhookDestinationRefused(problem));
        const family = typeof options.family === 'number' && options.family !== 0 ? options.family : null;
        const answers: LookupAddress[] = all.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })).filter((a) => family === null || a.family === family);
        if (!answers.length) return callback(Object.assign(new Error(`${hostname} has no IPv${family ?? ''} address`), { code: 'ENOTFOUND' }));
        if (options.all) return callback(null, answers);
        callback(null, answers[0]!.address, answers[0]!.family);
      },
      (err: unknown) => callback(err),
    );
  }) as unknown as LookupFunction;
}

export type TWebhookPost = { url: string; headers: Record<string, string>; body: string; timeoutMs: number };

/**
 * POSTs one delivery. The URL is checked again (the allow list or HTTP setting may have changed;
 * a row may predate the rules); an address literal is checked as it stands, a name inside the
 * connection's lookup. Redirects are never followed: the status comes back as it is.
 */
export async function postWebhook(post: TWebhookPost, policy: TWebhookDestinationPolicy, resolve?: TResolveHost): Promise<{ status: number }> {
  const checked = checkWebhookUrl(post.url, policy);
  if (!checked.ok) throw new WebhookDestinationRefused(checked.problem);
  const { url, allowListed } = checked.target;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((done, fail) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
        signal: AbortSignal.timeout(post.timeoutMs),
        // The allow list exempts a host from the address rules, not from resolution.
        ...(allowListed && !resolve ? {} : { lookup: guardedLookup(resolve ?? systemResolve, !allowListed) }),
        // No keep-alive pool: a pooled socket could outlive the check of the address it went to.
        agent: false,
      },
      (res: IncomingMessage) => {
        // Only the status matters: the body is not read (a receiver cannot make us buffer it).
        done({ status: res.statusCode ?? 0 });
        res.on('error', () => {});
        res.destroy();
      },
    );
    req.on('error', fail);
    req.end(post.body);
  });
}
