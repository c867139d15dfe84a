import { describe, expect, it } from 'vitest';
import { decideCrossSite, isJsonContentType, type TCrossSiteRequest } from './cross-site';

const req = (over: Partial<Omit<TCrossSiteRequest, 'headers'>> & { headers?: Record<string, string> } = {}): TCrossSiteRequest => ({
  method: 'POST',
  url: 'http://ballast.internal:3000/api/2.0/mlflow/experiments/create',
  cookieAuthenticated: true,
  expectsJson: true,
  publicUrl: 'https://ballast.example.com',
  ...over,
  headers: new Headers({ 'content-type': 'application/json', origin: 'https://ballast.example.com', ...over.headers }),
});

describe('cross-site guard', () => {
  it('admits a signed-in JSON change from NEXTAUTH_URL or the request host', () => {
    expect(decideCrossSite(req())).toBeNull();
    expect(decideCrossSite(req({ headers: { origin: 'http://ballast.internal:3000' } }))).toBeNull();
  });

  it('refuses a foreign, missing, opaque or malformed Origin (SAME_ORIGIN)', () => {
    for (const origin of ['https://evil.example', 'https://ballast.example.com.evil.example', 'null', 'not a url', 'https://ballast.example.com:8443']) {
      expect(decideCrossSite(req({ headers: { origin } }))?.rule).toBe('SAME_ORIGIN');
    }
    const none = req();
    none.headers.delete('origin');
    expect(decideCrossSite(none)).toMatchObject({ rule: 'SAME_ORIGIN', message: expect.stringMatching(/no Origin or Referer/) });
  });

  it('falls back to Referer only when Origin is absent', () => {
    const referred = req({ headers: { referer: 'https://ballast.example.com/models/churn' } });
    referred.headers.delete('origin');
    expect(decideCrossSite(referred)).toBeNull();
    const foreign = req({ headers: { referer: 'https://evil.example/page' } });
    foreign.headers.delete('origin');
    expect(decideCrossSite(foreign)?.rule).toBe('SAME_ORIGIN');
    // A foreign Origin is not rescued by a matching Referer.
    expect(decideCrossSite(req({ headers: { origin: 'https://evil.example', referer: 'https://ballast.example.com/' } }))?.rule).toBe('SAME_ORIGIN');
  });

  it('refuses a same-origin change that is not JSON where JSON is read (JSON_CONTENT_TYPE)', () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expect(decideCrossSite(req({ headers: { 'content-type': type } }))?.rule).toBe('JSON_CONTENT_TYPE');
    }
    expect(decideCrossSite(req({ headers: { 'content-type': 'application/json; charset=utf-8' } }))).toBeNull();
    // A raw upload is checked for its origin only.
    expect(decideCrossSite(req({ expectsJson: false, headers: { 'content-type': 'application/octet-stream' } }))).toBeNull();
    expect(decideCrossSite(req({ expectsJson: false, headers: { 'content-type': 'application/octet-stream', origin: 'https://evil.example' } }))?.rule).toBe('SAME_ORIGIN');
  });

  it('exempts safe methods, Bearer tokens and requests without the session cookie', () => {
    const forged = { headers: { origin: 'https://evil.example', 'content-type': 'text/plain' } };
    expect(decideCrossSite(req({ ...forged, method: 'GET' }))).toBeNull();
    expect(decideCrossSite(req({ ...forged, method: 'HEAD' }))).toBeNull();
    expect(decideCrossSite(req({ headers: { ...forged.headers, authorization: 'Bearer blt_x' } }))).toBeNull();
    expect(decideCrossSite(req({ ...forged, cookieAuthenticated: false }))).toBeNull();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(decideCrossSite(req({ ...forged, method }))?.rule).toBe('SAME_ORIGIN');
  });

  it('knows JSON content types', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON;charset=UTF-8')).toBe(true);
    expect(isJsonContentType('application/merge-patch+json')).toBe(true);
    expect(isJsonContentType('text/json')).toBe(false);
    expect(isJsonContentType(null)).toBe(false);
  });
});
