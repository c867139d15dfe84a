"""Shared by the tests: puts clients/python on sys.path and builds sample configs."""

import copy
import os
import sys

CLIENT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(os.path.dirname(CLIENT_ROOT))
if CLIENT_ROOT not in sys.path:
    sys.path.insert(0, CLIENT_ROOT)

MD5 = "md5:" + "0123456789abcdef" * 2
FINGERPRINT = "sha256:" + "ab" * 32

SAMPLE = {
    "model": {
        "architecture": "resnet50",
        "hyperparameters": {"depth": 50, "dropout": 0.1, "widths": [64, 128, 256], "norm": {"kind": "batch", "momentum": 0.9}},
    },
    "optimizer": {"name": "adamw", "learning_rate": 1e-7, "weight_decay": 0.01, "params": {"betas": [0.9, 0.999], "eps": 1e-8}},
    "lr_schedule": {"name": "cosine", "params": {"warmup_steps": 500, "min_lr": 0.0}},
    "batch_size_per_device": 32,
    "device_count": 4,
    "gradient_accumulation_steps": 2,
    "max_epochs": 10,
    "seed": 42,
    "datasets": [
        {"name": "churn-train", "version": MD5},
        {"name": "churn.holdout_v2", "version": "1.4.2-rc.1+b7", "fingerprint": FINGERPRINT},
        {"name": "events", "version": "s3://ml-data-bucket/events/2024.parquet?versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"},
    ],
    "early_stopping": {"patience": 3, "metric": "val_loss", "mode": "min"},
    "extra": {"note": "tabular churn baseline"},
}

MINIMAL = {
    "model": {"architecture": "mlp"},
    "optimizer": {"name": "sgd", "learning_rate": 0.1},
    "lr_schedule": {"name": "constant"},
    "batch_size_per_device": 64,
    "max_epochs": 5,
    "seed": 0,
    "datasets": [{"name": "iris", "version": MD5}],
}


def _with(base, overrides):
    """A deep copy of `base` with top-level keys replaced (None removes a key)."""
    config = copy.deepcopy(base)
    for key, value in overrides.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    return config


def sample(**overrides):
    return _with(SAMPLE, overrides)


def minimal(**overrides):
    return _with(MINIMAL, overrides)
