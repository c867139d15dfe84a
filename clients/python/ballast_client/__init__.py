"""Ballast's Python client: standard library only, Python 3.9+.

    from ballast_client import Client, TrainingConfig

    config = TrainingConfig.load("config.yaml")
    with Client().start_run(config, tags={"model": "churn-classifier"}) as run:
        run.log_metrics({"loss": 0.42}, step=1)
        run.log_artifact("model.onnx")
"""

from .canonical import CanonicalFormError, canonical_json, canonical_yaml
from .client import BallastError, Client, Run
from .config import (
    ConfigError,
    DatasetReference,
    EarlyStopping,
    LrScheduleConfig,
    ModelConfig,
    OptimizerConfig,
    TrainingConfig,
)
from .dataset_ref import DatasetRefError, check_dataset_version
from .yaml_lite import YamlError, parse_yaml

__version__ = "0.1.0"

__all__ = [
    "BallastError",
    "CanonicalFormError",
    "Client",
    "ConfigError",
    "DatasetRefError",
    "DatasetReference",
    "EarlyStopping",
    "LrScheduleConfig",
    "ModelConfig",
    "OptimizerConfig",
    "Run",
    "TrainingConfig",
    "YamlError",
    "canonical_json",
    "canonical_yaml",
    "check_dataset_version",
    "parse_yaml",
]
