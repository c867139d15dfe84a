"""Python and TypeScript must agree byte for byte: canonical YAML/JSON, config hash, validation.

The TypeScript side is the server's own code, run through tsx (ts_canonical.ts). Skipped, with
the reason, when Node.js or the repository's node_modules are not available.
"""

import copy
import json
import os
import shutil
import subprocess
import unittest

import ballast_test_support as support
from ballast_client import CanonicalFormError, ConfigError, TrainingConfig, canonical_json, canonical_yaml
from ballast_client.config import _thaw, _validate_raw

TS_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ts_canonical.ts")


def tsx_command():
    local = os.path.join(support.REPO_ROOT, "node_modules", ".bin", "tsx")
    if os.path.exists(local):
        return [local]
    npx = shutil.which("npx")
    return [npx, "--no-install", "tsx"] if npx else None


def run_ts(cases):
    command = tsx_command()
    done = subprocess.run(
        command + [TS_SCRIPT], input=json.dumps(cases).encode("utf-8"), cwd=support.REPO_ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180, check=False,
    )
    if done.returncode != 0:
        raise AssertionError("ts_canonical.ts failed (%d): %s" % (done.returncode, done.stderr.decode("utf-8", "replace")))
    return json.loads(done.stdout.decode("utf-8"))


TRICKY_STRINGS = [
    "yes", "No", "ON", "off", "y", "n", "null", "Null", "true", "True", "~", "", " ", " leading", "trailing ", "a: b", "a:b",
    "#hash", "x #y", "-", "-dash", "- item", "?", "!tag", "&anchor", "*alias", "%pct", "@at", "`tick", "[x]", "{x}", ",",
    "123", "1e5", "0x1F", "0o17", ".inf", "-.inf", ".nan", "2024-01-01", "12:30", "1_000", "+1", ".5", "5.",
    "line\nbreak", "tab\there", "cr\r", "nul\x00", "bell\x07", "esc\x1b", "del\x7f", "c1\x85\x9f", "nbsp\xa0",
    "ls\u2028ps\u2029", "bom\ufeff", "nonchar\ufffe\uffff", 'quote"back\\slash', "single'quote",
    "héllo wörld", "日本語", "emoji \U0001f680", "\U0001f600 first", "plain text with spaces", "path/to/file.txt",
    "a+b-c.d_e", "_underscore", "A", "CamelCase", "x" * 300,
]

TRICKY_NUMBERS = [
    0, -0.0, 1, -1, 0.1, 0.2, 0.30000000000000004, 3.0, 1e-7, -1e-7, 1e-6, 1.5e-6, 1e21, 1e20, 1.5e21, 123456.789,
    2**31, 2**32 - 1, 2**53 - 1, 2**53 + 1, 12345678901234567890, 10**25, 5e-324, 1.7976931348623157e308, 2.5e-308,
    1 / 3, 100.0, 1e16, 1.2345e-5, 9.999999999999999e22,
]


def tricky_extra():
    return {
        "strings": TRICKY_STRINGS,
        "numbers": TRICKY_NUMBERS,
        "empty_map": {},
        "empty_list": [],
        "nested": {"a": [{}, [], [[]], [{"b": [1, {"c": None}]}], {"d": {"e": {"f": [True, False, None]}}}]},
        "keys": {k: i for i, k in enumerate(["yes", "1st", "my-key", "with space", "ümlaut", "\uff5a", "\U0001f600", "a:b", "Z", "a", "_", "~", ""])},
        "big": 12345678901234567890,
        "float3": 3.0,
    }


def config_cases():
    cases = [
        support.sample(),
        support.minimal(),
        support.sample(extra=tricky_extra()),
        support.sample(model={"architecture": "  transformer  ", "hyperparameters": {"layers": 12, "heads": 8, "d_model": 768, "dropout": 0.1,
                                                                                     "vocab": {"size": 50257, "special": ["<pad>", "<eos>"]}}}),
        support.minimal(optimizer={"name": "sgd", "learning_rate": 1e-7, "weight_decay": 0.0, "params": {"momentum": 0.9, "nesterov": True}}),
        support.minimal(batch_size_per_device=3.0, seed=4294967295, device_count=8, gradient_accumulation_steps=16),
        support.minimal(datasets=[{"name": "d" * 128, "version": support.MD5 + ".dir"}]),
        support.minimal(early_stopping={"patience": 0, "metric": "val/accuracy", "mode": "max"}),
    ]
    return cases


def invalid_config_cases():
    return [
        {},
        [],
        "config",
        support.minimal(effective_batch_size=64),
        support.minimal(optimizer={"name": "sgd", "learning_rte": 0.1}, extra_field=1),
        support.minimal(batch_size_per_device=0, device_count=1.5, gradient_accumulation_steps="2", max_epochs=None, seed=-3),
        support.minimal(seed=2**32, batch_size_per_device=2**60),
        support.minimal(model={"architecture": "   "}, lr_schedule={"name": 3}, optimizer={"name": "x", "learning_rate": -1, "weight_decay": -0.1}),
        support.minimal(early_stopping={"patience": 1.5, "metric": "", "mode": "avg"}),
        support.minimal(early_stopping={"patience": 1}),
        support.minimal(model={"architecture": "m", "hyperparameters": []}, extra="x"),
        support.minimal(datasets=[]),
        support.minimal(datasets={"name": "x"}),
        support.minimal(datasets=["x"]),
        support.minimal(datasets=[{"name": n, "version": v} for n, v in [
            ("a", "latest"), ("b", "origin/main"), ("c", "v1.2.3"), ("d", "^1.2.0"), ("e", "1.2"), ("f", "data/train.csv"),
            ("g", "s3://ab/k?versionId=1"), ("h", "s3://my-bucket/k"), ("i", "s3://my-bucket/dir/?versionId=1"),
            ("j", "s3://my-bucket/k?versionId=null"), ("k", "s3://my-bucket/k?versionId=a&b=c"), ("l", "MD5:" + "0" * 32),
            ("m", "md5:" + "A" * 32), ("n", "md5:123"), ("o", "0a" * 16), ("p", " 1.2.3"), ("q", ""), ("r", "whatever"),
            ("s", "refs/heads/feature"), ("t", "HEAD~2"), ("u", "1.2.3 - 1.4.0"), ("v", ">=1.0.0"), ("w", "01.2.3"),
            ("x", "s3://xn--bucket/k?versionId=1"), ("y", "s3://192.168.1.1/k?versionId=1"), ("z", "stable-latest"),
        ]]),
        support.minimal(datasets=[
            {"name": "Upper", "version": support.MD5},
            {"name": "dup", "version": "1.2.3"},
            {"name": "dup", "version": support.MD5, "fingerprint": "sha256:XYZ"},
            {"name": "ok", "version": support.MD5, "extra": 1},
            {"version": support.MD5},
        ]),
    ]


class CrossLanguageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if tsx_command() is None or not os.path.isdir(os.path.join(support.REPO_ROOT, "node_modules")):
            raise unittest.SkipTest("Node.js with the repository's node_modules (npm install) is needed to run the TypeScript side")

    def test_configs_serialise_and_hash_identically(self):
        cases = config_cases()
        results = run_ts([{"kind": "config", "input": case} for case in cases])
        for index, (case, ts) in enumerate(zip(cases, results)):
            with self.subTest(index=index):
                self.assertTrue(ts["ok"], ts)
                config = TrainingConfig.from_dict(case)
                self.assertEqual(config.canonical_yaml(), ts["yaml"])
                self.assertEqual(config.canonical_json(), ts["json"])
                self.assertEqual(config.config_hash(), ts["hash"])

    def test_arbitrary_values_serialise_identically(self):
        values = [tricky_extra(), [], {}, "yes", 1e-7, None, True, [[1, [2, []]], {}], [{"a": 1, "b": [1, 2]}, []],
                  {"x": [{"y": [{"z": {}}]}]}, TRICKY_STRINGS, TRICKY_NUMBERS, {"k" * 1030: 1}, {"\ud800": 1}]
        payload = json.dumps([{"kind": "value", "input": value} for value in values])
        results = run_ts(json.loads(payload))
        for index, (value, ts) in enumerate(zip(values, results)):
            with self.subTest(index=index):
                if ts["ok"]:
                    self.assertEqual(canonical_yaml(value), ts["yaml"])
                    self.assertEqual(canonical_json(value), ts["json"])
                else:
                    with self.assertRaises(CanonicalFormError):
                        canonical_json(value) if "surrogate" in ts["error"] else canonical_yaml(value)

    def test_invalid_configs_get_the_same_issues(self):
        cases = invalid_config_cases()
        results = run_ts([{"kind": "config", "input": case} for case in cases])
        for index, (case, ts) in enumerate(zip(cases, results)):
            with self.subTest(index=index, case=json.dumps(case)[:200]):
                self.assertFalse(ts["ok"])
                python_issues = sorted(_validate_raw(_thaw(copy.deepcopy(case))))
                ts_issues = sorted((issue["field"], issue["rule"]) for issue in ts["issues"])
                self.assertEqual(python_issues, ts_issues)
                if isinstance(case, dict):
                    with self.assertRaises(ConfigError):
                        TrainingConfig.from_dict(case)

    def test_yaml_files_read_by_both_hash_alike(self):
        texts = [
            TrainingConfig.from_dict(support.sample(extra=tricky_extra())).canonical_yaml(),
            """model:
  architecture: resnet50
  hyperparameters: {depth: 50, widths: [64, 128], act: 'gelu', ratio: .5}
optimizer:
  name: adamw   # the usual
  learning_rate: 3e-4
  params:
    betas: [0.9, 0.999]
    eps: 1.0e-08
lr_schedule:
  name: cosine
  params: {warmup_steps: 500}
batch_size_per_device: 32
device_count: 0x4
gradient_accumulation_steps: 0o10
max_epochs: 10
seed: 42
datasets:
- name: churn
  version: "md5:0123456789abcdef0123456789abcdef"
- name: holdout
  version: 1.4.2
  fingerprint: sha256:abababababababababababababababababababababababababababababababab
extra:
  flag: yes
  when: 2024-01-01
  none: ~
  yes_bool: true
  text: 'it''s "quoted"'
  escaped: "tab\\tnew\\nline \\u00e9 \\U0001F600"
  12: twelve
""",
        ]
        results = run_ts([{"kind": "yaml", "input": text} for text in texts])
        for index, (text, ts) in enumerate(zip(texts, results)):
            with self.subTest(index=index):
                self.assertTrue(ts["ok"], ts)
                config = TrainingConfig.from_yaml(text)
                self.assertEqual(config.canonical_json(), ts["json"])
                self.assertEqual(config.config_hash(), ts["hash"])


if __name__ == "__main__":
    unittest.main()
