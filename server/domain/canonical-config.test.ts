import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CanonicalFormError, canonicalJson, canonicalYaml, configHash, parseConfigYaml } from './canonical-config';

const MD5 = 'md5:d41d8cd98f00b204e9800998ecf8427e';

function minimalConfig(): Record<string, unknown> {
  return {
    model: { architecture: 'resnet50' },
    optimizer: { name: 'adamw', learning_rate: 0.001 },
    lr_schedule: { name: 'cosine' },
    batch_size_per_device: 32,
    max_epochs: 10,
    seed: 42,
    datasets: [{ name: 'imagenet-1k', version: MD5 }],
  };
}

// minimalConfig() with defaults applied, written out by hand in canonical form (sorted keys, no spaces).
const MINIMAL_CANONICAL_JSON =
  '{"batch_size_per_device":32,"datasets":[{"name":"imagenet-1k","version":"md5:d41d8cd98f00b204e9800998ecf8427e"}],' +
  '"device_count":1,"extra":{},"gradient_accumulation_steps":1,"lr_schedule":{"name":"cosine","params":{}},' +
  '"max_epochs":10,"model":{"architecture":"resnet50","hyperparameters":{}},' +
  '"optimizer":{"learning_rate":0.001,"name":"adamw","params":{},"weight_decay":0},"seed":42}';
// printf '%s' "$MINIMAL_CANONICAL_JSON" | sha256sum
const MINIMAL_HASH = 'sha256:91896d42b89569ed78993ade4c1fbd0dc89c0ba294733421aec24f310a771254';

describe('canonicalJson', () => {
  it('reproduces the RFC 8785 section 3.2.2 example', () => {
    // Input and expected output are copied from RFC 8785; the string mixes every escape rule.
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units as RFC 8785 section 3.2.3 does', () => {
    // Code units: \r=000D, 1=0031, \u0080, ö=00F6, €=20AC, 😀=D83D DE00, \ufb33; the emoji sorts
    // before U+FB33 although its code point (1F600) is larger.
    const input = { '\u20ac': 1, '\r': 2, '\ufb33': 3, '1': 4, '\ud83d\ude00': 5, '\u0080': 6, '\u00f6': 7 };
    expect(canonicalJson(input)).toBe('{"\\r":2,"1":4,"\u0080":6,"ö":7,"€":1,"😀":5,"\ufb33":3}');
  });

  it('normalises numbers', () => {
    expect(canonicalJson([1.0, -0, 0.1, 1e21, 1e20, 1e-6, 1e-7, 0.1 + 0.2, 5e-324, -1.5])).toBe(
      '[1,0,0.1,1e+21,100000000000000000000,0.000001,1e-7,0.30000000000000004,5e-324,-1.5]',
    );
  });

  it('sorts nested keys, keeps array order, drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [3, 1, 2], c: { z: null, y: 'x', w: undefined } })).toBe('{"a":[3,1,2],"b":1,"c":{"y":"x","z":null}}');
  });

  it('refuses values JSON cannot represent, naming the path', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow('cannot canonicalise a[1]: NaN is not a JSON number');
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(CanonicalFormError);
    expect(() => canonicalJson({ a: -Infinity })).toThrow(/-Infinity/);
    expect(() => canonicalJson([undefined])).toThrow(/undefined/);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/Date is not a plain JSON object/);
    expect(() => canonicalJson({ b: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson({ s: 'a\ud800b' })).toThrow(/lone UTF-16 surrogate/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/refers to itself/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe('canonicalYaml', () => {
  it('emits block style with sorted keys and 2-space indent', () => {
    const value = {
      optimizer: { name: 'adamw', learning_rate: 0.0003, params: { betas: [0.9, 0.999] } },
      datasets: [{ version: MD5, name: 'reviews' }],
      empty_map: {},
      empty_list: [],
      nested: [[1, 2], [], [{ a: 1 }]],
      flag: true,
      nothing: null,
    };
    expect(canonicalYaml(value)).toBe(
      [
        'datasets:',
        '  - name: reviews',
        `    version: "${MD5}"`,
        'empty_list: []',
        'empty_map: {}',
        'flag: true',
        'nested:',
        '  - - 1',
        '    - 2',
        '  - []',
        '  - - a: 1',
        'nothing: null',
        'optimizer:',
        '  learning_rate: 0.0003',
        '  name: adamw',
        '  params:',
        '    betas:',
        '      - 0.9',
        '      - 0.999',
        '',
      ].join('\n'),
    );
  });

  it('writes scalars and empty collections at the root inline', () => {
    expect(canonicalYaml({})).toBe('{}\n');
    expect(canonicalYaml([])).toBe('[]\n');
    expect(canonicalYaml('x')).toBe('x\n');
    expect(canonicalYaml(null)).toBe('null\n');
    expect(canonicalYaml([1, 'a'])).toBe('- 1\n- a\n');
  });

  it('quotes exactly the strings that need it', () => {
    const cases: [string, string][] = [
      ['adamw', 'adamw'],
      ['hello world', 'hello world'],
      ['path/to.file+v2-x', 'path/to.file+v2-x'],
      ['_private', '_private'],
      ['true', '"true"'],
      ['False', '"False"'],
      ['yes', '"yes"'],
      ['NO', '"NO"'],
      ['on', '"on"'],
      ['Off', '"Off"'],
      ['y', '"y"'],
      ['n', '"n"'],
      ['null', '"null"'],
      ['Null', '"Null"'],
      ['~', '"~"'],
      ['', '""'],
      ['123', '"123"'],
      ['1.5', '"1.5"'],
      ['1e3', '"1e3"'],
      ['0x1F', '"0x1F"'],
      ['2024-01-01', '"2024-01-01"'],
      ['1:30', '"1:30"'],
      ['.inf', '".inf"'],
      ['-1', '"-1"'],
      ['- item', '"- item"'],
      [' lead', '" lead"'],
      ['trail ', '"trail "'],
      ['a: b', '"a: b"'],
      ['a #b', '"a #b"'],
      ['x{y}', '"x{y}"'],
      ['[a]', '"[a]"'],
      ['a,b', '"a,b"'],
      ['&anchor', '"&anchor"'],
      ['*alias', '"*alias"'],
      ['!tag', '"!tag"'],
      ['|', '"|"'],
      ['>', '">"'],
      ["it's", '"it\'s"'],
      ['say "hi"', '"say \\"hi\\""'],
      ['50%', '"50%"'],
      ['@user', '"@user"'],
      ['`cmd`', '"`cmd`"'],
      ['<<', '"<<"'],
      ['=', '"="'],
      ['café', '"café"'],
      ['line1\nline2', '"line1\\nline2"'],
      ['tab\there', '"tab\\there"'],
      ['back\\slash', '"back\\\\slash"'],
      ['\u0001', '"\\u0001"'],
      ['\u007f', '"\\u007f"'],
      ['\u0085', '"\\u0085"'],
      ['a\u2028b', '"a\\u2028b"'],
      ['\ufeff', '"\\ufeff"'],
    ];
    for (const [input, expected] of cases) expect(canonicalYaml({ k: input }), JSON.stringify(input)).toBe(`k: ${expected}\n`);
  });

  it('quotes keys by the same rule', () => {
    expect(canonicalYaml({ '1': 'a', 'true': 'b', 'a b': 'c', 'x:y': 'd' })).toBe('"1": a\na b: c\n"true": b\n"x:y": d\n');
  });

  it('gives exponent numbers a decimal point so YAML 1.1 reads them as numbers', () => {
    expect(canonicalYaml([1e-7, 1.5e-7, 1e21, 2.5e300, 0.000001, -0, 3])).toBe(
      '- 1.0e-7\n- 1.5e-7\n- 1.0e+21\n- 2.5e+300\n- 0.000001\n- 0\n- 3\n',
    );
  });

  it('refuses what canonicalJson refuses', () => {
    expect(() => canonicalYaml({ a: Number.NaN })).toThrow(CanonicalFormError);
  });

  it('refuses map keys longer than the 1024-character YAML implicit-key limit', () => {
    // 'k' x 1024 is plain (1024 characters); 'k' x 1023 + ':' is quoted, 1024 + 2 quotes = 1026.
    expect(canonicalYaml({ ['k'.repeat(1024)]: 1 })).toBe(`${'k'.repeat(1024)}: 1\n`);
    expect(() => canonicalYaml({ ['k'.repeat(1023) + ':']: 1 })).toThrow(/1024/);
  });

  const trickyValues: unknown[] = [
    {
      strings: ['true', 'yes', 'NO', 'null', '~', '', ' ', '0', '007', '1e3', '0x1F', '0o17', '1_000', '1:30', '2024-01-01', '.nan', '-.inf'],
      punctuation: ['a: b', '#c', 'x #y', '{}', '[]', '- a', '? q', '!t', '&a', '*a', '|', '>', "'", '"', '%YAML', '@', '`', '---', '...', '<<', '='],
      whitespace: ['a\nb', '\n', 'a\r\nb', '\t', ' a', 'a ', 'a  b', '\u2028', '\u0085', '\u0000', '\u007f', '\ufeff'],
      unicode: ['café', '日本語', '😀', 'Ω'],
      numbers: [0, -0, 1, -1, 0.1, 1e-7, 1e21, 1.7976931348623157e308, 5e-324, 123456789, 0.30000000000000004],
      keys: { '': 1, '1': 2, 'null': 3, 'a: b': 4, '- x': 5, 'tab\tkey': 6, 'ok key': 7 },
      nested: [[], {}, [[]], [{}], { a: [] }, [[1, [2, [3]]]], [{ b: { c: [{ d: null }] } }]],
      literals: [true, false, null],
    },
    [],
    {},
    'plain',
    ['- dash'],
    [[['deep']]],
  ];

  it('round-trips tricky values through a YAML 1.2 parser', () => {
    for (const value of trickyValues) {
      const text = canonicalYaml(value);
      const expected = JSON.parse(JSON.stringify(value)) as unknown;
      expect(parseYaml(text, { version: '1.2', schema: 'core' }), text).toEqual(normaliseNegativeZero(expected));
    }
  });

  it('round-trips tricky values through a YAML 1.1 parser (what PyYAML implements)', () => {
    for (const value of trickyValues) {
      const text = canonicalYaml(value);
      const expected = JSON.parse(JSON.stringify(value)) as unknown;
      expect(parseYaml(text, { version: '1.1' }), text).toEqual(normaliseNegativeZero(expected));
    }
  });

  it('is deterministic regardless of input key order', () => {
    expect(canonicalYaml({ b: { y: 1, x: 2 }, a: 1 })).toBe(canonicalYaml({ a: 1, b: { x: 2, y: 1 } }));
  });
});

// canonical output writes -0 as 0, so the parsed value holds +0 and toEqual would tell them apart.
function normaliseNegativeZero(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  if (Array.isArray(value)) return value.map(normaliseNegativeZero);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normaliseNegativeZero(item)]));
  }
  return value;
}

describe('configHash', () => {
  it('hashes the canonical JSON of the config with defaults applied', () => {
    expect(configHash(minimalConfig() as never)).toBe(MINIMAL_HASH);
    expect(canonicalJson(JSON.parse(MINIMAL_CANONICAL_JSON))).toBe(MINIMAL_CANONICAL_JSON);
  });

  it('does not change when defaults are written out, keys are reordered or 1.0 is written for 1', () => {
    const explicit = JSON.parse(
      '{"seed":42,"max_epochs":10.0,"datasets":[{"version":"md5:d41d8cd98f00b204e9800998ecf8427e","name":"imagenet-1k"}],' +
        '"batch_size_per_device":32,"device_count":1,"gradient_accumulation_steps":1,"extra":{},' +
        '"lr_schedule":{"params":{},"name":"cosine"},"model":{"hyperparameters":{},"architecture":"resnet50"},' +
        '"optimizer":{"weight_decay":-0.0,"params":{},"name":"adamw","learning_rate":1e-3}}',
    ) as never;
    expect(configHash(explicit)).toBe(MINIMAL_HASH);
  });

  it('changes when any setting changes', () => {
    const changed = { ...minimalConfig(), seed: 43 } as never;
    expect(configHash(changed)).not.toBe(MINIMAL_HASH);
  });

  it('refuses an invalid config', () => {
    expect(() => configHash({ ...minimalConfig(), seed: -1 } as never)).toThrow();
  });
});

describe('parseConfigYaml', () => {
  const yamlText = [
    'model:',
    '  architecture: resnet50',
    'optimizer:',
    '  name: adamw',
    '  learning_rate: 1e-3',
    'lr_schedule: {name: cosine}',
    'batch_size_per_device: 32',
    'max_epochs: 10',
    'seed: 42',
    'datasets:',
    `  - {name: imagenet-1k, version: "${MD5}"}`,
    '',
  ].join('\n');

  it('parses and validates config.yaml, with the same hash as the equivalent JSON', () => {
    const result = parseConfigYaml(yamlText);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.optimizer.learning_rate).toBe(0.001);
    expect(configHash(result.config)).toBe(MINIMAL_HASH);
  });

  it('parses its own canonical output back to the same config', () => {
    const first = parseConfigYaml(yamlText);
    if (!first.ok) throw new Error(first.message);
    const again = parseConfigYaml(canonicalYaml(first.config));
    expect(again).toEqual(first);
  });

  it('accepts JSON, which is YAML 1.2', () => {
    const result = parseConfigYaml(MINIMAL_CANONICAL_JSON);
    expect(result.ok && configHash(result.config)).toBe(MINIMAL_HASH);
  });

  it('keeps yes/on as strings (YAML 1.2 core), so the schema can name them', () => {
    const result = parseConfigYaml(yamlText.replace('seed: 42', 'seed: yes'));
    expect(result).toMatchObject({ ok: false, issues: [{ field: 'seed', rule: 'must be a number' }] });
  });

  it('reports schema violations by field', () => {
    const result = parseConfigYaml(`${yamlText}effective_batch_size: 32\n`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([{ field: 'effective_batch_size', rule: expect.stringMatching(/^is computed/) }]);
  });

  it('reports YAML errors with their line: duplicate keys, syntax, several documents, unknown tags', () => {
    const duplicate = parseConfigYaml('seed: 1\nseed: 2\n');
    expect(duplicate).toMatchObject({ ok: false, issues: [{ field: '(yaml)', rule: expect.stringMatching(/unique.*line 2/) }] });
    expect(parseConfigYaml('a: [1\n').ok).toBe(false);
    expect(parseConfigYaml('a: 1\n---\nb: 2\n')).toMatchObject({ ok: false, message: expect.stringMatching(/multiple documents/) });
    expect(parseConfigYaml('seed: !!python/object x\n')).toMatchObject({ ok: false, message: expect.stringMatching(/Unresolved tag/) });
  });

  it('refuses alias bombs', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const result = parseConfigYaml(lines.join('\n'));
    expect(result.ok).toBe(false);
  });
});
