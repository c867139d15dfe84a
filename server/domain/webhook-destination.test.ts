import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, classifyAddress, parseAllowHosts, parseIpv6, refusedAddressProblem, STRICT_WEBHOOK_POLICY, WEBHOOK_URL_MAX_LENGTH } from './webhook-destination';

// Pure classification only: nothing here resolves a name or opens a socket.

describe('parseIpv6', () => {
  it('expands ::, embedded IPv4 tails and zones into 8 groups', () => {
    expect(parseIpv6('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIpv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001]);
    expect(parseIpv6('::ffff:7f00:1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001]);
    expect(parseIpv6('1:2:3:4:5:6:10.0.0.1')).toEqual([1, 2, 3, 4, 5, 6, 0x0a00, 0x0001]);
    expect(parseIpv6('2001:db8::8:800:200c:417a')).toEqual([0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a]);
  });
  it('refuses malformed text', () => {
    for (const bad of ['', '1', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '::1.2.3', '::256.0.0.1', '1:2:3:4:5:6:7:8::', 'example.com']) {
      expect(parseIpv6(bad), bad).toBeNull();
    }
  });
});

describe('classifyAddress', () => {
  const refused: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'this-network'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared-address-space'],
    ['100.127.255.255', 'shared-address-space'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'private'],
    ['fc00::1', 'unique-local'],
    ['fdff:ffff::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard-only'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'reserved'],
    // IPv4-mapped and -embedding forms reach the IPv4 address itself.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:192.168.0.1', 'private'],
    ['::ffff:100.64.1.1', 'shared-address-space'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:224.0.0.1', 'multicast'],
    ['::ffff:255.255.255.255', 'broadcast'],
    ['::127.0.0.1', 'loopback'],
    ['::8.8.8.8', 'reserved'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'metadata'],
    ['4000::1', 'reserved'],
    ['not-an-address', 'invalid'],
    ['1.2.3', 'invalid'],
    ['01.2.3.4.5', 'invalid'],
  ];
  it.each(refused)('%s is refused as %s', (address, range) => {
    expect(classifyAddress(address)).toEqual({ allowed: false, range });
  });

  it('public unicast addresses pass, next to the edges of the refused ranges', () => {
    for (const ok of ['8.8.8.8', '1.1.1.1', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0', '169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.0', '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255']) {
      expect(classifyAddress(ok), ok).toEqual({ allowed: true, family: 4 });
    }
    for (const ok of ['2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '[2001:4860:4860::8888]', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1']) {
      expect(classifyAddress(ok), ok).toEqual({ allowed: true, family: 6 });
    }
  });
});

describe('checkWebhookUrl', () => {
  const strict = STRICT_WEBHOOK_POLICY;
  const problem = (url: string, policy = strict) => {
    const r = checkWebhookUrl(url, policy);
    return r.ok ? null : r.problem;
  };

  it('https only, unless http is allowed', () => {
    expect(problem('http://hooks.example.com/x')).toMatch(/must be an https:\/\/ URL.*BALLAST_WEBHOOK_ALLOW_HTTP/);
    expect(problem('http://hooks.example.com/x', { allowHttp: true, allowHosts: [] })).toBeNull();
    expect(problem('https://hooks.example.com/x')).toBeNull();
    for (const scheme of ['ftp://a.example/', 'file:///etc/passwd', 'gopher://a.example/', 'javascript:alert(1)', 'data:text/plain,x']) {
      expect(problem(scheme, { allowHttp: true, allowHosts: [] }), scheme).toMatch(/^url: /);
    }
    expect(problem('not a url')).toBe('url: must be an absolute URL');
  });

  it('at most 2,048 characters', () => {
    const base = 'https://hooks.example.com/';
    expect(problem(base + 'a'.repeat(WEBHOOK_URL_MAX_LENGTH - base.length))).toBeNull();
    expect(problem(base + 'a'.repeat(WEBHOOK_URL_MAX_LENGTH - base.length + 1))).toBe('url: must be at most 2048 characters (got 2049)');
    expect(problem(base + 'a'.repeat(20_000))).toMatch(/at most 2048/);
  });

  it('refuses loopback, private, link-local, metadata literals in every spelling the URL parser accepts', () => {
    const refusedUrls = [
      'https://127.0.0.1/',
      'https://127.0.0.1:3000/api/metrics',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:7f00:1]/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/',
      'https://[fe80::1]/',
      'https://[fc00::1]/',
      'https://10.0.0.1/',
      'https://0.0.0.0/',
      'https://100.64.0.1/',
      'https://224.0.0.1/',
      'https://255.255.255.255/',
      // Decimal, hex, octal and short forms: the WHATWG parser canonicalises them to dotted quads.
      'https://2130706433/',
      'https://0x7f.0.0.1/',
      'https://0177.0.0.1/',
      'https://127.1/',
      'https://0/',
      'https://2852039166/',
      'https://localhost/',
      'https://LOCALHOST:8080/',
      'https://api.localhost/',
      'https://localhost./',
    ];
    for (const url of refusedUrls) expect(problem(url), url).toMatch(/^url: .*(refused range|loopback)/);
    expect(problem('https://169.254.169.254/')).toMatch(/metadata/);
  });

  it('the allow list exempts its hosts (by name or address), nothing else', () => {
    const policy = { allowHttp: true, allowHosts: parseAllowHosts('127.0.0.1, [::1] localhost.') };
    expect(policy.allowHosts).toEqual(['127.0.0.1', '::1', 'localhost']);
    expect(problem('http://127.0.0.1:4600/hook', policy)).toBeNull();
    expect(problem('http://[::1]:4600/hook', policy)).toBeNull();
    expect(problem('http://localhost:4600/hook', policy)).toBeNull();
    expect(problem('http://127.0.0.2:4600/hook', policy)).toMatch(/loopback/);
    expect(problem('http://10.0.0.1/hook', policy)).toMatch(/private/);
    const r = checkWebhookUrl('http://127.0.0.1:4600/hook', policy);
    expect(r.ok && r.target).toMatchObject({ host: '127.0.0.1', literal: true, allowListed: true });
  });

  it('refuses credentials in the URL; names are left to resolution', () => {
    expect(problem('https://user:pw@hooks.example.com/')).toBe('url: must not carry a user name or password');
    const r = checkWebhookUrl('https://Hooks.Example.com/ballast', strict);
    expect(r.ok && r.target).toMatchObject({ host: 'hooks.example.com', literal: false, allowListed: false });
  });

  it('names the resolved address and its range', () => {
    expect(refusedAddressProblem('10.1.2.3', 'internal.example.com')).toBe(
      'url: internal.example.com resolves to 10.1.2.3, which is in a refused range (private; not a public address; list the host in BALLAST_WEBHOOK_ALLOW_HOSTS to allow it)',
    );
    expect(refusedAddressProblem('93.184.216.34', 'example.com')).toBeNull();
  });
});
