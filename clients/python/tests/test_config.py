"""Pure tests: TrainingConfig defaults, effective batch, validation messages, canonical forms, YAML."""

import math
import unittest

import ballast_test_support as support  # noqa: F401  (puts ballast_client on sys.path)
from ballast_client import (
    CanonicalFormError,
    ConfigError,
    DatasetReference,
    EarlyStopping,
    LrScheduleConfig,
    ModelConfig,
    OptimizerConfig,
    TrainingConfig,
    YamlError,
    canonical_json,
    canonical_yaml,
    check_dataset_version,
    parse_yaml,
)
from ballast_client.canonical import js_number
from ballast_client.dataset_ref import DatasetRefError


def build(**overrides):
    fields = dict(
        model=ModelConfig("resnet50"),
        optimizer=OptimizerConfig("adamw", learning_rate=3e-4),
        lr_schedule=LrScheduleConfig("cosine"),
        batch_size_per_device=32,
        max_epochs=10,
        seed=7,
        datasets=[DatasetReference("churn", support.MD5)],
    )
    fields.update(overrides)
    return TrainingConfig(**fields)


class DefaultsTest(unittest.TestCase):
    def test_dataclass_defaults_match_the_server_schema(self):
        config = build()
        self.assertEqual(config.device_count, 1)
        self.assertEqual(config.gradient_accumulation_steps, 1)
        self.assertIsNone(config.early_stopping)
        self.assertEqual(config.extra, {})
        self.assertEqual(config.model.hyperparameters, {})
        self.assertEqual(config.optimizer.weight_decay, 0)
        self.assertEqual(config.optimizer.params, {})
        self.assertEqual(config.lr_schedule.params, {})
        self.assertIsNone(config.datasets[0].fingerprint)

    def test_to_dict_applies_defaults_and_leaves_out_absent_optionals(self):
        data = build().to_dict()
        self.assertEqual(data["device_count"], 1)
        self.assertEqual(data["gradient_accumulation_steps"], 1)
        self.assertEqual(data["optimizer"], {"name": "adamw", "learning_rate": 3e-4, "weight_decay": 0, "params": {}})
        self.assertEqual(data["model"], {"architecture": "resnet50", "hyperparameters": {}})
        self.assertNotIn("early_stopping", data)
        self.assertNotIn("fingerprint", data["datasets"][0])
        self.assertNotIn("effective_batch_size", data)

    def test_defaults_written_or_left_out_hash_alike(self):
        short = TrainingConfig.from_dict(support.minimal())
        spelled = TrainingConfig.from_dict(
            support.minimal(device_count=1, gradient_accumulation_steps=1, extra={},
                            optimizer={"name": "sgd", "learning_rate": 0.1, "weight_decay": 0, "params": {}})
        )
        self.assertEqual(short.config_hash(), spelled.config_hash())
        self.assertEqual(short.canonical_yaml(), spelled.canonical_yaml())

    def test_names_are_trimmed_as_the_server_does(self):
        padded = TrainingConfig.from_dict(support.minimal(model={"architecture": "  mlp\t"}))
        self.assertEqual(padded.to_dict()["model"]["architecture"], "mlp")
        self.assertEqual(padded.config_hash(), TrainingConfig.from_dict(support.minimal()).config_hash())

    def test_from_dict_builds_nested_dataclasses(self):
        config = TrainingConfig.from_dict(support.sample())
        self.assertIsInstance(config.model, ModelConfig)
        self.assertIsInstance(config.early_stopping, EarlyStopping)
        self.assertIsInstance(config.datasets[1], DatasetReference)
        self.assertEqual(config.datasets[1].fingerprint, support.FINGERPRINT)
        self.assertEqual(config.early_stopping.mode, "min")
        self.assertEqual(TrainingConfig.from_dict(config.to_dict()), config)

    def test_hash_is_sha256_of_canonical_json(self):
        import hashlib

        config = TrainingConfig.from_dict(support.sample())
        self.assertRegex(config.config_hash(), r"^sha256:[0-9a-f]{64}$")
        self.assertEqual(config.config_hash(), "sha256:" + hashlib.sha256(config.canonical_json().encode()).hexdigest())


class EffectiveBatchTest(unittest.TestCase):
    def test_is_the_product_of_per_device_batch_devices_and_accumulation(self):
        self.assertEqual(build().effective_batch_size, 32)
        self.assertEqual(build(device_count=8, gradient_accumulation_steps=4).effective_batch_size, 32 * 8 * 4)
        config = build()
        config.device_count = 2
        self.assertEqual(config.effective_batch_size, 64)

    def test_is_never_an_input(self):
        with self.assertRaises(ConfigError) as caught:
            TrainingConfig.from_dict(support.minimal(effective_batch_size=256))
        self.assertIn(
            "effective_batch_size is computed (batch_size_per_device x device_count x gradient_accumulation_steps), never given; remove it",
            str(caught.exception),
        )
        with self.assertRaises(TypeError):
            TrainingConfig(effective_batch_size=3)  # type: ignore[call-arg]


class ValidationTest(unittest.TestCase):
    def issues(self, data):
        with self.assertRaises(ConfigError) as caught:
            TrainingConfig.from_dict(data)
        return caught.exception

    def test_message_names_the_field_and_rule(self):
        err = self.issues(support.minimal(optimizer={"name": "sgd", "learning_rate": 0}))
        self.assertEqual(str(err), "Invalid training config: optimizer.learning_rate must be > 0")
        self.assertEqual(err.issues, [("optimizer.learning_rate", "must be > 0")])

    def test_validate_on_a_dataclass(self):
        with self.assertRaises(ConfigError) as caught:
            build(batch_size_per_device=0, seed=-1).validate()
        self.assertEqual(caught.exception.issues, [("batch_size_per_device", "must be >= 1"), ("seed", "must be >= 0")])
        self.assertIs(build().validate().__class__, TrainingConfig)

    def test_required_fields(self):
        err = self.issues({})
        fields = [field for field, rule in err.issues if rule == "required"]
        self.assertEqual(fields, ["model", "optimizer", "lr_schedule", "batch_size_per_device", "max_epochs", "seed", "datasets"])
        self.assertTrue(str(err).endswith("(and 4 more)"))

    def test_types_and_bounds(self):
        err = self.issues(support.minimal(
            batch_size_per_device=1.5, device_count="2", max_epochs=True, seed=2**32,
            early_stopping={"patience": -1, "metric": " ", "mode": "avg"},
        ))
        self.assertEqual(err.issues, [
            ("batch_size_per_device", "must be an integer"),
            ("device_count", "must be a number"),
            ("max_epochs", "must be a number"),
            ("early_stopping.patience", "must be >= 0"),
            ("early_stopping.metric", "must not be empty"),
            ("early_stopping.mode", "must be one of: min, max"),
            ("seed", "must be <= 4294967295"),
        ])

    def test_unknown_keys_are_refused(self):
        err = self.issues(support.minimal(optimizer={"name": "sgd", "learning_rte": 0.1}))
        self.assertIn(("optimizer.learning_rte", "unknown field"), err.issues)
        self.assertIn(("optimizer.learning_rate", "required"), err.issues)

    def test_json_records_refuse_non_json_values(self):
        err = self.issues(support.minimal(extra={"a": math.nan, "b": [1, math.inf], "my-key": {1, 2}}))
        self.assertEqual(err.issues, [
            ("extra.a", "NaN is not a JSON number"),
            ("extra.b[1]", "Infinity is not a JSON number"),
            ('extra["my-key"]', "must be a JSON value (string, number, boolean, null, list or map)"),
        ])

    def test_datasets(self):
        err = self.issues(support.minimal(datasets=[]))
        self.assertEqual(err.issues, [("datasets", "must have at least 1 item")])
        err = self.issues(support.minimal(datasets=[
            {"name": "Churn", "version": "latest"},
            {"name": "a", "version": "1.2.3"},
            {"name": "a", "version": support.MD5, "fingerprint": "md5:1"},
        ]))
        self.assertEqual(err.issues[0][0], "datasets[0].name")
        self.assertTrue(err.issues[0][1].startswith("must be a lowercase slug"))
        self.assertEqual(err.issues[1][0], "datasets[0].version")
        self.assertTrue(err.issues[1][1].startswith('"latest" is a moving name'))
        self.assertIn(("datasets[1].fingerprint", "required for a registry (semver) version: sha256:<64 hex> of the dataset content"), err.issues)
        self.assertIn(("datasets[2].fingerprint", "must be sha256: followed by 64 lowercase hex digits"), err.issues)
        self.assertIn(("datasets[2].name", 'duplicates datasets[1].name "a"; each dataset may appear once'), err.issues)

    def test_dataset_versions(self):
        for good in (support.MD5, support.MD5 + ".dir", "s3://my-bucket/a/b.csv?versionId=xyz", "1.4.2", "2.0.0-rc.1+b7"):
            check_dataset_version(good)
        bad = {
            "latest": "moving-alias", "origin/main": "moving-alias", "v2-latest": "moving-alias", "HEAD~2": "moving-alias",
            "v1.2.3": "semver-invalid", "^1.2.0": "semver-range", "1.2": "semver-range", "1.x": "semver-range",
            "01.2.3": "semver-invalid", "data/train.csv": "unversioned-location", "gs://b/k": "unversioned-location",
            "s3://my-bucket/k": "s3-missing-version", "s3://ab/k?versionId=1": "s3-invalid-bucket",
            "s3://my-bucket/dir/?versionId=1": "s3-invalid-key", "s3://my-bucket/k?versionId=null": "s3-invalid-version",
            "MD5:" + "0" * 32: "md5-malformed", "md5:" + "A" * 32: "md5-malformed", "0a" * 16: "md5-malformed", "0" * 32: "semver-range",
            " 1.2.3": "unrecognised", "": "empty", "whatever": "unrecognised",
        }
        for text, code in bad.items():
            with self.assertRaises(DatasetRefError, msg=text) as caught:
                check_dataset_version(text)
            self.assertEqual(caught.exception.code, code, text)


class CanonicalTest(unittest.TestCase):
    def test_numbers_follow_ecmascript(self):
        cases = {1e-7: "1e-7", 0.1: "0.1", 3.0: "3", 1e21: "1e+21", 1e20: "100000000000000000000", 1e-6: "0.000001",
                 -0.0: "0", 1.5e-10: "1.5e-10", 12345678901234567890: "12345678901234567000", 2**53 + 1: "9007199254740992",
                 5e-324: "5e-324", 0.1 + 0.2: "0.30000000000000004", -2.5: "-2.5"}
        for value, text in cases.items():
            self.assertEqual(js_number(value), text, repr(value))

    def test_json(self):
        self.assertEqual(canonical_json({"b": [1.0, "x\n\x01"], "a": None, "é": True}), '{"a":null,"b":[1,"x\\n\\u0001"],"é":true}')
        # UTF-16 order: U+1F600 (a surrogate pair, D83D..) sorts before U+FF5A.
        self.assertEqual(canonical_json({"\uff5a": 1, "\U0001f600": 2}), '{"\U0001f600":2,"\uff5a":1}')

    def test_yaml(self):
        value = {"b": {"c": [], "d": {}}, "a": [1e-7, "yes", {"k": "v", "l": [1, 2]}, [3, []]], "s": "a: b", "q": "plain text"}
        self.assertEqual(
            canonical_yaml(value),
            'a:\n  - 1.0e-7\n  - "yes"\n  - k: v\n    l:\n      - 1\n      - 2\n  - - 3\n    - []\nb:\n  c: []\n  d: {}\nq: plain text\ns: "a: b"\n',
        )
        self.assertEqual(canonical_yaml({}), "{}\n")
        self.assertEqual(canonical_yaml("\u2028\x7f"), '"\\u2028\\u007f"\n')

    def test_refusals(self):
        for bad in (math.nan, math.inf, {"a": {1, 2}}, {1: "x"}, "\ud800", 10**400):
            with self.assertRaises(CanonicalFormError, msg=repr(bad)):
                canonical_json(bad)
        loop = []
        loop.append(loop)
        with self.assertRaises(CanonicalFormError):
            canonical_json(loop)
        with self.assertRaises(CanonicalFormError):
            canonical_yaml({"k" * 1025: 1})


class YamlTest(unittest.TestCase):
    def test_round_trips_canonical_yaml(self):
        config = TrainingConfig.from_dict(support.sample())
        self.assertEqual(parse_yaml(config.canonical_yaml()), config.to_dict())
        tricky = {"s": ["yes", "1e5", " x", "x ", "", "~", "#c", "a\tb\nc", "\u2028", "\U0001f680", 'q"\\'], "n": [1e-7, -0.5, 10**20]}
        self.assertEqual(parse_yaml(canonical_yaml(tricky)), tricky)

    def test_reads_hand_written_yaml_with_the_core_schema(self):
        text = """# a comment
---
model:
  architecture: resnet50   # trailing comment
  hyperparameters: {depth: 50, widths: [64, 128], act: 'gelu'}
optimizer:
  name: adamw
  learning_rate: 3e-4
  params:
    betas: [0.9, 0.999]
lr_schedule:
  name: cosine
batch_size_per_device: 32
device_count: 0x4
max_epochs: 10
seed: 42
datasets:
- name: churn
  version: "md5:0123456789abcdef0123456789abcdef"
extra:
  flag: yes
  when: 2024-01-01
  none: ~
  on_off: true
"""
        config = TrainingConfig.from_yaml(text)
        self.assertEqual(config.optimizer.learning_rate, 3e-4)
        self.assertEqual(config.device_count, 4)
        self.assertEqual(config.model.hyperparameters, {"depth": 50, "widths": [64, 128], "act": "gelu"})
        self.assertEqual(config.extra, {"flag": "yes", "when": "2024-01-01", "none": None, "on_off": True})
        self.assertEqual(config.effective_batch_size, 128)

    def test_refuses_what_it_does_not_read(self):
        for text in ("a: &x 1\nb: *x\n", "a: |\n  text\n", "a: 1\na: 2\n", "a:\n  b: 1\n   c: 2\n", "a: [1,\n  2]\n"):
            with self.assertRaises(YamlError, msg=text):
                parse_yaml(text)


if __name__ == "__main__":
    unittest.main()
