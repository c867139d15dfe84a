"""TrainingConfig: every hyperparameter of a run, mirroring server/contracts/training-config.ts.

Keys are snake_case, unknown keys are refused, and the defaults are the server's, so that
TrainingConfig(...).config_hash() equals the hash the control plane computes for the same file.
The effective batch size is a property (batch_size_per_device x device_count x
gradient_accumulation_steps), never an input.
"""

import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .canonical import canonical_json, canonical_yaml
from .dataset_ref import DATASET_NAME_RE, FINGERPRINT_RE, DatasetRefError, dataset_version_kind, js_trim
from .yaml_lite import parse_yaml

__all__ = [
    "ConfigError",
    "ConfigIssue",
    "DatasetReference",
    "EarlyStopping",
    "LrScheduleConfig",
    "ModelConfig",
    "OptimizerConfig",
    "TrainingConfig",
    "SEED_MAX",
]

SEED_MAX = 2**32 - 1
MAX_SAFE_INTEGER = 2**53 - 1
MESSAGE_ISSUE_LIMIT = 3

COMPUTED_KEYS = {
    "effective_batch_size": "is computed (batch_size_per_device x device_count x gradient_accumulation_steps), never given; remove it",
}

Json = Any
ConfigIssue = Tuple[str, str]  # (field, rule), e.g. ("optimizer.learning_rate", "must be > 0")


class ConfigError(ValueError):
    """An invalid TrainingConfig. .issues lists (field, rule) pairs; the message names the first three."""

    def __init__(self, issues: Sequence[ConfigIssue]) -> None:
        self.issues: List[ConfigIssue] = list(issues)
        shown = "; ".join("%s %s" % issue for issue in self.issues[:MESSAGE_ISSUE_LIMIT])
        more = len(self.issues) - MESSAGE_ISSUE_LIMIT
        super().__init__("Invalid training config: %s%s" % (shown, " (and %d more)" % more if more > 0 else ""))


_IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def format_field_path(path: Sequence[Union[str, int]]) -> str:
    """The server's spelling of a field: optimizer.params.betas[1], extra["my-key"]."""
    out = ""
    for segment in path:
        if isinstance(segment, int):
            out += "[%d]" % segment
        elif _IDENTIFIER_RE.fullmatch(segment):
            out += segment if out == "" else "." + segment
        else:
            out += "[%s]" % json.dumps(segment, ensure_ascii=False)
    return out or "(root)"


@dataclass
class ModelConfig:
    architecture: str
    hyperparameters: Dict[str, Json] = field(default_factory=dict)


@dataclass
class OptimizerConfig:
    name: str
    learning_rate: float
    weight_decay: float = 0
    params: Dict[str, Json] = field(default_factory=dict)


@dataclass
class LrScheduleConfig:
    name: str
    params: Dict[str, Json] = field(default_factory=dict)


@dataclass
class EarlyStopping:
    patience: int
    metric: str
    mode: str  # "min" or "max"


@dataclass
class DatasetReference:
    """A dataset by immutable version: md5:<hex> (DVC), s3://b/k?versionId=<id>, or semver + fingerprint."""

    name: str
    version: str
    fingerprint: Optional[str] = None


@dataclass
class TrainingConfig:
    model: ModelConfig
    optimizer: OptimizerConfig
    lr_schedule: LrScheduleConfig
    batch_size_per_device: int
    max_epochs: int
    seed: int
    datasets: List[DatasetReference]
    device_count: int = 1
    gradient_accumulation_steps: int = 1
    early_stopping: Optional[EarlyStopping] = None
    extra: Dict[str, Json] = field(default_factory=dict)

    # ---- derived -------------------------------------------------------------------------------
    @property
    def effective_batch_size(self) -> int:
        """Samples per optimizer step: batch_size_per_device x device_count x gradient_accumulation_steps."""
        return self.batch_size_per_device * self.device_count * self.gradient_accumulation_steps

    # ---- construction --------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TrainingConfig":
        """Builds a config from its snake_case dict (config.json / config.yaml); ConfigError if invalid."""
        raw = _thaw(data)
        issues = _validate_raw(raw)
        if issues:
            raise ConfigError(issues)
        normal = _normalise(raw)
        return cls(
            model=ModelConfig(**normal["model"]),
            optimizer=OptimizerConfig(**normal["optimizer"]),
            lr_schedule=LrScheduleConfig(**normal["lr_schedule"]),
            batch_size_per_device=normal["batch_size_per_device"],
            max_epochs=normal["max_epochs"],
            seed=normal["seed"],
            datasets=[DatasetReference(**d) for d in normal["datasets"]],
            device_count=normal["device_count"],
            gradient_accumulation_steps=normal["gradient_accumulation_steps"],
            early_stopping=EarlyStopping(**normal["early_stopping"]) if "early_stopping" in normal else None,
            extra=normal["extra"],
        )

    @classmethod
    def from_yaml(cls, text: str) -> "TrainingConfig":
        """Parses config.yaml (or JSON) text: YAML 1.2 core schema, the subset documented in yaml_lite."""
        return cls.from_dict(parse_yaml(text))

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "TrainingConfig":
        """Reads config.yaml / config.yml / config.json."""
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        if str(path).endswith(".json"):
            return cls.from_dict(json.loads(text))
        return cls.from_yaml(text)

    # ---- validation and canonical forms ----------------------------------------------------------
    def _raw(self) -> Dict[str, Any]:
        def section(obj: Any) -> Any:
            if obj is None or isinstance(obj, (dict, str, int, float, bool, list, tuple)):
                return obj
            return {k: v for k, v in vars(obj).items() if v is not None or k not in ("fingerprint",)}

        raw: Dict[str, Any] = {
            "model": section(self.model),
            "optimizer": section(self.optimizer),
            "lr_schedule": section(self.lr_schedule),
            "batch_size_per_device": self.batch_size_per_device,
            "device_count": self.device_count,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
            "max_epochs": self.max_epochs,
            "seed": self.seed,
            "datasets": [section(d) for d in self.datasets] if isinstance(self.datasets, (list, tuple)) else self.datasets,
            "extra": self.extra,
        }
        if self.early_stopping is not None:
            raw["early_stopping"] = section(self.early_stopping)
        return raw

    def issues(self) -> List[ConfigIssue]:
        """Every (field, rule) this config breaks; empty when valid."""
        return _validate_raw(self._raw())

    def validate(self) -> "TrainingConfig":
        """Raises ConfigError naming each offending field (the server's rules and wording); returns self."""
        issues = self.issues()
        if issues:
            raise ConfigError(issues)
        return self

    def to_dict(self) -> Dict[str, Any]:
        """The config as the server stores it: defaults applied, names trimmed, absent optionals left out."""
        self.validate()
        return _normalise(self._raw())

    def canonical_json(self) -> str:
        return canonical_json(self.to_dict())

    def canonical_yaml(self) -> str:
        """The exact bytes of config.yaml as the server writes it."""
        return canonical_yaml(self.to_dict())

    def config_hash(self) -> str:
        """'sha256:' + sha256 of canonical_json(): the hash that identifies this config on the server."""
        return "sha256:" + hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


# ---- the rules ----------------------------------------------------------------------------------


def _thaw(value: Any) -> Any:
    """Mappings to dicts, tuples to lists, dataclasses to dicts: what JSON would carry."""
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_thaw(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _thaw(v) for k, v in vars(value).items() if not (v is None and k in ("fingerprint", "early_stopping"))}
    return value


class _Checker:
    def __init__(self) -> None:
        self.issues: List[ConfigIssue] = []
        # zod skips the cross-field rule (duplicate dataset names) once a value had the wrong type,
        # was missing or was not one of an enum's values; bounds and format rules do not stop it.
        self.aborted = False

    def add(self, path: Sequence[Union[str, int]], rule: str, abort: bool = False) -> None:
        self.issues.append((format_field_path(path), rule))
        self.aborted = self.aborted or abort

    def obj(self, value: Any, path: List[Union[str, int]], known: Sequence[str]) -> bool:
        if not isinstance(value, dict):
            self.add(path, "must be a map", abort=True)
            return False
        for key in value:
            if key not in known:
                self.add(path + [key], COMPUTED_KEYS.get(key, "unknown field"))
        return True

    def required(self, obj: Dict[str, Any], key: str, path: List[Union[str, int]]) -> bool:
        if key not in obj:
            self.add(path + [key], "required", abort=True)
            return False
        return True

    def name(self, obj: Dict[str, Any], key: str, path: List[Union[str, int]]) -> None:
        if not self.required(obj, key, path):
            return
        value = obj[key]
        if not isinstance(value, str):
            self.add(path + [key], "must be a string", abort=True)
        elif js_trim(value) == "":
            self.add(path + [key], "must not be empty")

    def number(self, obj: Dict[str, Any], key: str, path: List[Union[str, int]], *, integer: bool, minimum: float, exclusive: bool = False,
               maximum: Optional[float] = None, optional: bool = False) -> None:
        if key not in obj:
            if not optional:
                self.add(path + [key], "required", abort=True)
            return
        value = obj[key]
        where = path + [key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(where, "must be a number", abort=True)
            return
        if isinstance(value, float) and not math.isfinite(value):
            self.add(where, "must be a number", abort=True)
            return
        if integer:
            if isinstance(value, float) and not value.is_integer():
                self.add(where, "must be an integer", abort=True)
                return
            if value > MAX_SAFE_INTEGER:
                self.add(where, "must be <= %d" % MAX_SAFE_INTEGER)
            if value < -MAX_SAFE_INTEGER:
                self.add(where, "must be >= %d" % -MAX_SAFE_INTEGER)
        if (value <= minimum) if exclusive else (value < minimum):
            self.add(where, "must be %s %s" % (">" if exclusive else ">=", _bound(minimum)))
        if maximum is not None and value > maximum:
            self.add(where, "must be <= %s" % _bound(maximum))

    def record(self, obj: Dict[str, Any], key: str, path: List[Union[str, int]]) -> None:
        if key not in obj:
            return
        value = obj[key]
        if not isinstance(value, dict):
            self.add(path + [key], "must be a map", abort=True)
            return
        self.json(value, path + [key], [])

    def json(self, value: Any, path: List[Union[str, int]], seen: List[int]) -> None:
        if value is None or isinstance(value, (bool, str)):
            return
        if isinstance(value, (int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                self.add(path, "%s is not a JSON number" % ("NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"))
            return
        if isinstance(value, (list, dict)):
            if id(value) in seen:
                self.add(path, "must not refer to itself")
                return
            seen.append(id(value))
            if isinstance(value, list):
                for index, item in enumerate(value):
                    self.json(item, path + [index], seen)
            else:
                for k, item in value.items():
                    if not isinstance(k, str):
                        self.add(path + [str(k)], "map keys must be strings")
                    else:
                        self.json(item, path + [k], seen)
            seen.pop()
            return
        self.add(path, "must be a JSON value (string, number, boolean, null, list or map)")


def _bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _validate_raw(raw: Any) -> List[ConfigIssue]:
    c = _Checker()
    if not c.obj(raw, [], (
        "model", "optimizer", "lr_schedule", "batch_size_per_device", "device_count", "gradient_accumulation_steps",
        "max_epochs", "early_stopping", "seed", "datasets", "extra",
    )):
        return c.issues

    if c.required(raw, "model", []) and c.obj(raw["model"], ["model"], ("architecture", "hyperparameters")):
        c.name(raw["model"], "architecture", ["model"])
        c.record(raw["model"], "hyperparameters", ["model"])

    if c.required(raw, "optimizer", []) and c.obj(raw["optimizer"], ["optimizer"], ("name", "learning_rate", "weight_decay", "params")):
        opt = raw["optimizer"]
        c.name(opt, "name", ["optimizer"])
        c.number(opt, "learning_rate", ["optimizer"], integer=False, minimum=0, exclusive=True)
        c.number(opt, "weight_decay", ["optimizer"], integer=False, minimum=0, optional=True)
        c.record(opt, "params", ["optimizer"])

    if c.required(raw, "lr_schedule", []) and c.obj(raw["lr_schedule"], ["lr_schedule"], ("name", "params")):
        c.name(raw["lr_schedule"], "name", ["lr_schedule"])
        c.record(raw["lr_schedule"], "params", ["lr_schedule"])

    c.number(raw, "batch_size_per_device", [], integer=True, minimum=1)
    c.number(raw, "device_count", [], integer=True, minimum=1, optional=True)
    c.number(raw, "gradient_accumulation_steps", [], integer=True, minimum=1, optional=True)
    c.number(raw, "max_epochs", [], integer=True, minimum=1)

    if "early_stopping" in raw and c.obj(raw["early_stopping"], ["early_stopping"], ("patience", "metric", "mode")):
        es = raw["early_stopping"]
        c.number(es, "patience", ["early_stopping"], integer=True, minimum=0)
        c.name(es, "metric", ["early_stopping"])
        if es.get("mode") not in ("min", "max"):
            c.add(["early_stopping", "mode"], "must be one of: min, max", abort=True)

    c.number(raw, "seed", [], integer=True, minimum=0, maximum=SEED_MAX)

    if c.required(raw, "datasets", []):
        datasets = raw["datasets"]
        if not isinstance(datasets, list):
            c.add(["datasets"], "must be a list", abort=True)
        else:
            if len(datasets) < 1:
                c.add(["datasets"], "must have at least 1 item")
            for index, ref in enumerate(datasets):
                _check_dataset(c, ref, ["datasets", index])

    c.record(raw, "extra", [])
    if not c.aborted and isinstance(raw.get("datasets"), list):
        first_index: Dict[str, int] = {}
        for index, ref in enumerate(raw["datasets"]):
            if isinstance(ref, dict) and isinstance(ref.get("name"), str):
                name = ref["name"]
                if name in first_index:
                    c.add(["datasets", index, "name"], 'duplicates datasets[%d].name "%s"; each dataset may appear once' % (first_index[name], name))
                else:
                    first_index[name] = index
    return c.issues


def _check_dataset(c: _Checker, ref: Any, path: List[Union[str, int]]) -> None:
    if not c.obj(ref, path, ("name", "version", "fingerprint")):
        return
    if c.required(ref, "name", path):
        name = ref["name"]
        if not isinstance(name, str):
            c.add(path + ["name"], "must be a string", abort=True)
        elif not DATASET_NAME_RE.fullmatch(name):
            c.add(path + ["name"], 'must be a lowercase slug: letters, digits, ".", "_" or "-", starting and ending with a letter or digit, at most 128 characters')
    kind = None
    if c.required(ref, "version", path):
        version = ref["version"]
        if not isinstance(version, str):
            c.add(path + ["version"], "must be a string", abort=True)
        else:
            try:
                kind = dataset_version_kind(version)
            except DatasetRefError as err:
                c.add(path + ["version"], str(err))
    if "fingerprint" in ref:
        fingerprint = ref["fingerprint"]
        if not isinstance(fingerprint, str):
            c.add(path + ["fingerprint"], "must be a string", abort=True)
        elif not FINGERPRINT_RE.fullmatch(fingerprint):
            c.add(path + ["fingerprint"], "must be sha256: followed by 64 lowercase hex digits")
    elif kind == "semver":
        c.add(path + ["fingerprint"], "required for a registry (semver) version: sha256:<64 hex> of the dataset content")


def _int(value: Union[int, float]) -> int:
    return int(value)


def _normalise(raw: Dict[str, Any]) -> Dict[str, Any]:
    """Defaults applied, names trimmed, integers as int: the server's parsed config. raw must be valid."""
    model = raw["model"]
    opt = raw["optimizer"]
    sched = raw["lr_schedule"]
    out: Dict[str, Any] = {
        "model": {"architecture": js_trim(model["architecture"]), "hyperparameters": _thaw(model.get("hyperparameters", {}))},
        "optimizer": {
            "name": js_trim(opt["name"]),
            "learning_rate": opt["learning_rate"],
            "weight_decay": opt.get("weight_decay", 0),
            "params": _thaw(opt.get("params", {})),
        },
        "lr_schedule": {"name": js_trim(sched["name"]), "params": _thaw(sched.get("params", {}))},
        "batch_size_per_device": _int(raw["batch_size_per_device"]),
        "device_count": _int(raw.get("device_count", 1)),
        "gradient_accumulation_steps": _int(raw.get("gradient_accumulation_steps", 1)),
        "max_epochs": _int(raw["max_epochs"]),
        "seed": _int(raw["seed"]),
        "datasets": [
            dict({"name": d["name"], "version": d["version"]}, **({"fingerprint": d["fingerprint"]} if "fingerprint" in d else {}))
            for d in raw["datasets"]
        ],
        "extra": _thaw(raw.get("extra", {})),
    }
    if "early_stopping" in raw:
        es = raw["early_stopping"]
        out["early_stopping"] = {"patience": _int(es["patience"]), "metric": js_trim(es["metric"]), "mode": es["mode"]}
    return out
