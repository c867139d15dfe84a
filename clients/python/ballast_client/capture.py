"""What a run records about where it ran: environment, code version and hardware.

Every probe tolerates absence (no git, no pip, no torch, no /proc) and returns what it found.
"""

import getpass
import json
import os
import platform
import re
import subprocess
import sys
from typing import Any, Dict, List, Optional

__all__ = ["environment", "git_info", "hardware", "pip_freeze", "engineer", "ML_LIBRARIES"]

# Libraries worth naming in the run's environment record (ballast.libraries) when installed.
ML_LIBRARIES = (
    "torch", "torchvision", "torchaudio", "pytorch-lightning", "lightning", "tensorflow", "keras", "jax", "jaxlib",
    "flax", "numpy", "scipy", "pandas", "polars", "pyarrow", "scikit-learn", "xgboost", "lightgbm", "catboost",
    "transformers", "datasets", "tokenizers", "accelerate", "deepspeed", "onnx", "onnxruntime", "onnxruntime-gpu",
    "skl2onnx", "mlflow", "ballast-client",
)


def _run(args: List[str], cwd: Optional[str] = None, timeout: float = 30) -> Optional[str]:
    try:
        done = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace")


def engineer() -> str:
    """The OS user, the default for the run's engineer tag."""
    try:
        return getpass.getuser()
    except Exception:  # no USER/LOGNAME and no passwd entry (some containers)
        return "unknown"


def pip_freeze() -> Optional[str]:
    """`pip freeze` of this interpreter; falls back to importlib.metadata when pip is missing."""
    out = _run([sys.executable, "-m", "pip", "freeze", "--disable-pip-version-check"], timeout=60)
    if out is not None and out.strip():
        return out if out.endswith("\n") else out + "\n"
    try:
        from importlib import metadata
    except ImportError:  # pragma: no cover - Python < 3.8
        return None
    lines = sorted({"%s==%s" % (d.metadata["Name"], d.version) for d in metadata.distributions() if d.metadata["Name"]}, key=str.lower)
    return "\n".join(lines) + "\n" if lines else None


def _installed_versions(names: Any) -> Dict[str, str]:
    try:
        from importlib import metadata
    except ImportError:  # pragma: no cover
        return {}
    found: Dict[str, str] = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except Exception:
            continue
    return found


def environment() -> Dict[str, Any]:
    """Python version and implementation, platform, and the versions of well-known ML libraries."""
    return {
        "runtime": "%s %s" % (platform.python_implementation(), platform.python_version()),
        "platform": platform.platform(),
        "python_executable": sys.executable,
        "libraries": _installed_versions(ML_LIBRARIES),
    }


def _scrub_url(url: str) -> str:
    # https://user:token@host/repo -> https://host/repo: credentials never leave the machine.
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", r"\1", url.strip())


def git_info(path: Optional[str] = None) -> Dict[str, Any]:
    """{commit, dirty, repo_url, branch} of the git checkout holding path (default: the main script's folder)."""
    if path is None:
        main = getattr(sys.modules.get("__main__"), "__file__", None)
        path = os.path.dirname(os.path.abspath(main)) if main else os.getcwd()
    commit = _run(["git", "rev-parse", "HEAD"], cwd=path, timeout=10)
    if not commit:
        return {}
    info: Dict[str, Any] = {"commit": commit.strip()}
    status = _run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=path, timeout=30)
    if status is not None:
        info["dirty"] = status.strip() != ""
    remote = _run(["git", "config", "--get", "remote.origin.url"], cwd=path, timeout=10)
    if remote and remote.strip():
        info["repo_url"] = _scrub_url(remote)
    branch = _run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=path, timeout=10)
    if branch and branch.strip() and branch.strip() != "HEAD":
        info["branch"] = branch.strip()
    return info


def _cpu_model() -> Optional[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        out = _run(["sysctl", "-n", "machdep.cpu.brand_string"], timeout=5)
        if out and out.strip():
            return out.strip()
    return platform.processor() or platform.machine() or None


def _memory_bytes() -> Optional[int]:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _torch_devices() -> Optional[Dict[str, Any]]:
    import importlib.util

    if "torch" not in sys.modules and importlib.util.find_spec("torch") is None:
        return None
    try:
        import torch  # type: ignore[import-not-found]
    except Exception:
        return None
    out: Dict[str, Any] = {"torch": getattr(torch, "__version__", None)}
    try:
        if torch.cuda.is_available():
            devices = []
            for index in range(torch.cuda.device_count()):
                props = torch.cuda.get_device_properties(index)
                devices.append({"name": props.name, "memory_bytes": int(props.total_memory)})
            out.update(
                device_type="gpu",
                accelerator="cuda",
                device_count=len(devices),
                devices=devices,
                cuda_version=getattr(torch.version, "cuda", None),
            )
            cudnn = getattr(torch.backends, "cudnn", None)
            if cudnn is not None and cudnn.is_available():
                out["cudnn_version"] = cudnn.version()
            return out
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            out.update(device_type="gpu", accelerator="mps", device_count=1)
            return out
    except Exception:
        pass
    return out


def hardware() -> Dict[str, Any]:
    """GPUs via torch (name, count, memory) when torch is importable and sees CUDA; else CPU model, cores, memory."""
    info: Dict[str, Any] = {
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "memory_bytes": _memory_bytes(),
        "machine": platform.machine(),
    }
    torch_info = _torch_devices()
    if torch_info:
        info.update({k: v for k, v in torch_info.items() if v is not None})
    info.setdefault("device_type", "cpu")
    info.setdefault("device_count", 1 if info["device_type"] == "cpu" else 0)
    return {k: v for k, v in info.items() if v is not None}


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
