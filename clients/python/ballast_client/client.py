"""Client and Run: log a training run to Ballast over its MLflow-compatible REST API.

    client = Client()                       # MLFLOW_TRACKING_URI / MLFLOW_TRACKING_TOKEN
    with client.start_run(config, tags={"model": "churn"}) as run:
        for step in ...:
            run.log_metrics({"loss": loss}, step=step)
        run.log_artifact("model.onnx")
    # FINISHED on a normal exit, FAILED on an exception, KILLED on Ctrl-C
"""

import hashlib
import json
import math
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import capture
from .config import TrainingConfig

__all__ = ["BallastError", "Client", "Run"]

API = "/api/2.0/mlflow/"
ARTIFACT_API = "/api/2.0/mlflow-artifacts/artifacts/"
CONFIG_PARAM_KEY = "ballast.config"
CONFIG_HASH_TAG = "ballast.config_hash"
CONFIG_ARTIFACT = "config.yaml"
REQUIREMENTS_ARTIFACT = "requirements.txt"

# The server's limits (server/contracts/mlflow.ts).
BATCH_METRICS = 1000
BATCH_PARAMS = 100
BATCH_TAGS = 100
PARAM_VALUE_MAX = 6000
TAG_VALUE_MAX = 8000

_RETRY_STATUSES = (429, 502, 503, 504)
_JSON_TAGS = ("ballast.libraries", "ballast.hardware")


class BallastError(Exception):
    """A request the server refused (error_code and message as MLflow's REST API gives them), or could not be made."""

    def __init__(self, message: str, error_code: str = "INTERNAL_ERROR", status: Optional[int] = None, endpoint: str = "") -> None:
        where = "%s: " % endpoint if endpoint else ""
        super().__init__("%s%s (%s%s)" % (where, message, error_code, ", HTTP %d" % status if status else ""))
        self.message = message
        self.error_code = error_code
        self.status = status
        self.endpoint = endpoint


def _now_ms() -> int:
    return int(time.time() * 1000)


def _double(value: Any) -> Union[float, str]:
    """Protobuf JSON for a double: NaN and the infinities as strings."""
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return number


def _param_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (bool, int, float, list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _chunks(items: List[Any], size: int) -> Iterable[List[Any]]:
    for start in range(0, len(items), size):
        yield items[start: start + size]


class Client:
    """Talks to one Ballast control plane with an API token (grant `ingest` to log runs)."""

    def __init__(self, tracking_uri: Optional[str] = None, token: Optional[str] = None, *, timeout: float = 60.0, retries: int = 3) -> None:
        uri = tracking_uri or os.environ.get("MLFLOW_TRACKING_URI") or os.environ.get("BALLAST_URL")
        if not uri:
            raise BallastError("no tracking URI: pass Client(tracking_uri=...) or set MLFLOW_TRACKING_URI", "INVALID_PARAMETER_VALUE")
        if not uri.startswith(("http://", "https://")):
            raise BallastError("tracking URI %r must be an http:// or https:// URL" % uri, "INVALID_PARAMETER_VALUE")
        self.tracking_uri = uri.rstrip("/")
        self.token = token if token is not None else os.environ.get("MLFLOW_TRACKING_TOKEN") or os.environ.get("BALLAST_TOKEN")
        self.timeout = timeout
        self.retries = retries

    # ---- HTTP ------------------------------------------------------------------------------------
    def _headers(self, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "ballast-client-python/0.1"}
        if self.token:
            headers["Authorization"] = "Bearer %s" % self.token
        headers.update(extra or {})
        return headers

    def _send(self, method: str, url: str, endpoint: str, data: Any = None, headers: Optional[Mapping[str, str]] = None) -> Tuple[int, Dict[str, str], bytes]:
        attempt = 0
        while True:
            if hasattr(data, "seek"):
                data.seek(0)
            request = urllib.request.Request(url, data=data, method=method, headers=self._headers(headers))
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.status, dict(response.headers.items()), response.read()
            except urllib.error.HTTPError as err:
                body = err.read()
                if err.code in _RETRY_STATUSES and attempt < self.retries:
                    attempt += 1
                    time.sleep(self._backoff(attempt, err.headers.get("Retry-After")))
                    continue
                raise self._http_error(err.code, body, endpoint) from None
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as err:
                reason = getattr(err, "reason", err)
                # Only a refused connection is certain not to have reached the server; retry that.
                if isinstance(reason, ConnectionRefusedError) and attempt < self.retries:
                    attempt += 1
                    time.sleep(self._backoff(attempt, None))
                    continue
                raise BallastError("cannot reach %s: %s" % (self.tracking_uri, reason), "UNREACHABLE", None, endpoint) from None

    @staticmethod
    def _backoff(attempt: int, retry_after: Optional[str]) -> float:
        if retry_after:
            try:
                return min(float(retry_after), 30.0)
            except ValueError:
                pass
        return min(0.5 * 2 ** (attempt - 1), 8.0)

    @staticmethod
    def _http_error(status: int, body: bytes, endpoint: str) -> BallastError:
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            parsed = None
        if isinstance(parsed, dict) and "message" in parsed:
            return BallastError(str(parsed["message"]), str(parsed.get("error_code", "INTERNAL_ERROR")), status, endpoint)
        text = body.decode("utf-8", "replace").strip()[:500] or "HTTP %d" % status
        return BallastError(text, "INTERNAL_ERROR", status, endpoint)

    def call(self, method: str, endpoint: str, body: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """One MLflow REST call (e.g. call("GET", "runs/get", {"run_id": ...})); returns the JSON answer."""
        url = self.tracking_uri + API + endpoint
        data = None
        headers: Dict[str, str] = {}
        if method == "GET":
            if body:
                query = []
                for key, value in body.items():
                    for item in value if isinstance(value, (list, tuple)) else [value]:
                        query.append((key, str(item)))
                url += "?" + urllib.parse.urlencode(query)
        else:
            data = json.dumps(body or {}, allow_nan=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        _, _, raw = self._send(method, url, endpoint, data, headers)
        if not raw.strip():
            return {}
        return json.loads(raw.decode("utf-8"))

    # ---- experiments and runs --------------------------------------------------------------------
    def get_or_create_experiment(self, name: str) -> str:
        """The id of the experiment called name, created when it does not exist yet."""
        try:
            return str(self.call("GET", "experiments/get-by-name", {"experiment_name": name})["experiment"]["experiment_id"])
        except BallastError as err:
            if err.error_code != "RESOURCE_DOES_NOT_EXIST":
                raise
        try:
            return str(self.call("POST", "experiments/create", {"name": name})["experiment_id"])
        except BallastError as err:
            if err.error_code != "RESOURCE_ALREADY_EXISTS":  # created meanwhile by another process
                raise
            return str(self.call("GET", "experiments/get-by-name", {"experiment_name": name})["experiment"]["experiment_id"])

    def get_run(self, run_id: str) -> Dict[str, Any]:
        """runs/get: {"info": ..., "data": {"metrics", "params", "tags"}, "inputs": ...}."""
        return self.call("GET", "runs/get", {"run_id": run_id})["run"]

    def start_run(
        self,
        config: TrainingConfig,
        tags: Optional[Mapping[str, str]] = None,
        experiment_name: Optional[str] = None,
        *,
        run_name: Optional[str] = None,
        capture_environment: bool = True,
        capture_git: bool = True,
        capture_hardware: bool = True,
        code_path: Optional[str] = None,
    ) -> "Run":
        """Creates a run holding config and what this process runs on; use it as a context manager.

        Records: the config (param ballast.config, artifact config.yaml, tag ballast.config_hash,
        and flattened params such as optimizer.learning_rate), the seed and effective batch size,
        tags model / dataset / engineer (defaults: the architecture, the dataset names and
        versions, the OS user), Python version and platform, `pip freeze` (requirements.txt),
        git commit, dirty flag and remote URL, and the GPUs (torch) or CPU and memory.
        """
        if not isinstance(config, TrainingConfig):
            raise TypeError("config must be a TrainingConfig (TrainingConfig.from_dict / TrainingConfig.load)")
        config.validate()
        experiment_name = experiment_name or os.environ.get("MLFLOW_EXPERIMENT_NAME") or "Default"
        experiment_id = self.get_or_create_experiment(experiment_name)

        person = (tags or {}).get("engineer") or capture.engineer()
        all_tags: Dict[str, str] = {
            "model": config.model.architecture.strip(),
            "dataset": ",".join("%s@%s" % (d.name, d.version) for d in config.datasets),
            "engineer": person,
            "mlflow.user": person,
            "mlflow.source.type": "LOCAL",
            CONFIG_HASH_TAG: config.config_hash(),
            "ballast.seed": str(config.seed),
            "ballast.effective_batch_size": str(config.effective_batch_size),
        }
        main = getattr(sys.modules.get("__main__"), "__file__", None)
        if main:
            all_tags["mlflow.source.name"] = os.path.basename(main)
        if capture_environment:
            env = capture.environment()
            all_tags["ballast.runtime"] = "%s; %s" % (env["runtime"], env["platform"])
            all_tags["ballast.libraries"] = capture.dumps(env["libraries"])
        if capture_git:
            git = capture.git_info(code_path)
            if "commit" in git:
                all_tags["mlflow.source.git.commit"] = git["commit"]
            if "dirty" in git:
                all_tags["ballast.git.dirty"] = "true" if git["dirty"] else "false"
            if "repo_url" in git:
                all_tags["mlflow.source.git.repoURL"] = git["repo_url"]
            if "branch" in git:
                all_tags["mlflow.source.git.branch"] = git["branch"]
        if capture_hardware:
            all_tags["ballast.hardware"] = capture.dumps(capture.hardware())
        all_tags.update({str(k): str(v) for k, v in (tags or {}).items()})
        # Over-long values are cut to the server's limit; a JSON tag is dropped instead, since a cut one is not JSON.
        all_tags = {k: v[:TAG_VALUE_MAX] for k, v in all_tags.items() if len(v) <= TAG_VALUE_MAX or k not in _JSON_TAGS}

        body: Dict[str, Any] = {
            "experiment_id": experiment_id,
            "start_time": _now_ms(),
            "user_id": person,
            "tags": [{"key": k, "value": v} for k, v in all_tags.items()],
        }
        if run_name:
            body["run_name"] = run_name
        info = self.call("POST", "runs/create", body)["run"]["info"]
        run = Run(self, info)
        try:
            yaml_text = config.canonical_yaml()
            params: Dict[str, str] = {}
            if len(yaml_text) <= PARAM_VALUE_MAX:
                params[CONFIG_PARAM_KEY] = yaml_text
            params.update(_flatten_config(config.to_dict()))
            params["effective_batch_size"] = str(config.effective_batch_size)
            run.log_params(params)
            # config.yaml sets the run's config even when the YAML is too long for the param.
            run.log_text(yaml_text, CONFIG_ARTIFACT)
            if capture_environment:
                requirements = capture.pip_freeze()
                if requirements:
                    run.log_text(requirements, REQUIREMENTS_ARTIFACT)
        except BaseException:
            run.end("FAILED")
            raise
        return run


_PARAM_KEY_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-. :/")


def _flatten_config(value: Any, prefix: str = "") -> Dict[str, str]:
    """optimizer.learning_rate -> "0.001": one param per config leaf, for run tables and comparisons."""
    from .canonical import canonical_json

    out: Dict[str, str] = {}
    if isinstance(value, dict) and value:
        for key, item in value.items():
            out.update(_flatten_config(item, "%s.%s" % (prefix, key) if prefix else key))
        return out
    if isinstance(value, list) and value and prefix == "datasets":
        for item in value:
            if isinstance(item, dict) and "name" in item:
                out.update(_flatten_config({k: v for k, v in item.items() if k != "name"}, "datasets.%s" % item["name"]))
        return out
    if not prefix or len(prefix) > 250 or not set(prefix) <= _PARAM_KEY_CHARS or prefix.startswith("/") or ".." in prefix.split("/"):
        return out  # a key MLflow would refuse; the whole config is in ballast.config anyway
    text = value if isinstance(value, str) else canonical_json(value)
    if len(text) <= PARAM_VALUE_MAX:
        out[prefix] = text
    return out


class Run:
    """A run being logged. Metrics are buffered and sent in batches of up to 1,000 points."""

    def __init__(self, client: Client, info: Mapping[str, Any], *, flush_every_s: float = 10.0) -> None:
        self.client = client
        self.info = dict(info)
        self.run_id: str = str(info["run_id"])
        self.experiment_id: str = str(info["experiment_id"])
        self.artifact_uri: str = str(info.get("artifact_uri", ""))
        self.flush_every_s = flush_every_s
        self._metrics: List[Dict[str, Any]] = []
        self._last_flush = time.monotonic()
        self.status: Optional[str] = None

    def __repr__(self) -> str:
        return "Run(run_id=%r, experiment_id=%r)" % (self.run_id, self.experiment_id)

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.end("FINISHED")
        else:
            status = "KILLED" if issubclass(exc_type, KeyboardInterrupt) else "FAILED"
            try:
                self.end(status)
            except BallastError as err:  # keep the training error, not the logging one, on top
                print("ballast: could not mark run %s %s: %s" % (self.run_id, status, err), file=sys.stderr)

    # ---- logging ---------------------------------------------------------------------------------
    def log_metric(self, key: str, value: float, step: int = 0, timestamp: Optional[int] = None) -> None:
        self.log_metrics({key: value}, step=step, timestamp=timestamp)

    def log_metrics(self, metrics: Mapping[str, float], step: int = 0, timestamp: Optional[int] = None) -> None:
        """Buffers {key: value} at step; sends when 1,000 points are waiting or flush_every_s has passed."""
        ts = _now_ms() if timestamp is None else int(timestamp)
        for key, value in metrics.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
                raise TypeError("metric %r must be a number, not %s" % (key, type(value).__name__))
            self._metrics.append({"key": str(key), "value": _double(value), "timestamp": ts, "step": int(step)})
        if len(self._metrics) >= BATCH_METRICS or time.monotonic() - self._last_flush >= self.flush_every_s:
            self.flush()

    def flush(self) -> None:
        """Sends every buffered metric point now."""
        while self._metrics:
            batch = self._metrics[:BATCH_METRICS]
            self.client.call("POST", "runs/log-batch", {"run_id": self.run_id, "metrics": batch})
            del self._metrics[: len(batch)]
        self._last_flush = time.monotonic()

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Logs params (immutable: the same key may be logged again only with the same value)."""
        items = [{"key": str(k), "value": _param_value(v)} for k, v in params.items()]
        for batch in _chunks(items, BATCH_PARAMS):
            self.client.call("POST", "runs/log-batch", {"run_id": self.run_id, "params": batch})

    def log_param(self, key: str, value: Any) -> None:
        self.log_params({key: value})

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        items = [{"key": str(k), "value": str(v)} for k, v in tags.items()]
        for batch in _chunks(items, BATCH_TAGS):
            self.client.call("POST", "runs/log-batch", {"run_id": self.run_id, "tags": batch})

    def set_tag(self, key: str, value: Any) -> None:
        self.set_tags({key: value})

    def log_dataset_input(self, name: str, version: str, *, fingerprint: Optional[str] = None, digest: Optional[str] = None,
                          source: str = "", source_type: str = "", schema: Optional[Any] = None, context: str = "training") -> None:
        """Links a dataset version to this run (runs/log-inputs); the server registers the version if it is new.

        The config's datasets are linked already when the run starts; use this for data read besides them.
        """
        tags = [{"key": "ballast.dataset.version", "value": version}, {"key": "mlflow.data.context", "value": context}]
        if fingerprint:
            tags.append({"key": "ballast.dataset.fingerprint", "value": fingerprint})
        dataset: Dict[str, Any] = {"name": name, "digest": digest or (fingerprint or version)[-32:], "source_type": source_type, "source": source}
        if schema is not None:
            dataset["schema"] = schema if isinstance(schema, str) else json.dumps(schema)
        self.client.call("POST", "runs/log-inputs", {"run_id": self.run_id, "datasets": [{"tags": tags, "dataset": dataset}]})

    # ---- artifacts -------------------------------------------------------------------------------
    def _artifact_url(self, artifact_file: str) -> str:
        prefix = "mlflow-artifacts:"
        if not self.artifact_uri.startswith(prefix):
            raise BallastError("run artifact_uri %r is not served by the artifact proxy (mlflow-artifacts:/...)" % self.artifact_uri, "INVALID_PARAMETER_VALUE")
        root = self.artifact_uri[len(prefix):].lstrip("/")
        full = "%s/%s" % (root.rstrip("/"), artifact_file.lstrip("/"))
        return self.client.tracking_uri + ARTIFACT_API + "/".join(urllib.parse.quote(part, safe="") for part in full.split("/"))

    def _put(self, artifact_file: str, handle: Any, size: int, sha256: str) -> None:
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size), "X-Content-SHA256": sha256}
        self.client._send("PUT", self._artifact_url(artifact_file), "artifacts PUT %s" % artifact_file, handle, headers)

    def log_artifact(self, local_path: Union[str, "os.PathLike[str]"], artifact_path: Optional[str] = None) -> List[str]:
        """Uploads a file (or every file under a folder) into the run's artifacts/<artifact_path>/.

        Each upload carries its sha256, which the server checks; returns the artifact paths stored.
        """
        local = os.fspath(local_path)
        base = (artifact_path or "").strip("/")
        if os.path.isdir(local):
            stored: List[str] = []
            for folder, _, files in sorted(os.walk(local)):
                rel = os.path.relpath(folder, local)
                for name in sorted(files):
                    sub = name if rel == "." else "%s/%s" % (rel.replace(os.sep, "/"), name)
                    stored.extend(self.log_artifact(os.path.join(folder, name), "%s/%s" % (base, os.path.dirname(sub)) if base else os.path.dirname(sub) or None))
            return stored
        target = "%s/%s" % (base, os.path.basename(local)) if base else os.path.basename(local)
        digest = hashlib.sha256()
        size = 0
        with open(local, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
            self._put(target, handle, size, digest.hexdigest())
        return [target]

    def log_text(self, text: str, artifact_file: str) -> str:
        """Stores text (UTF-8) as the artifact artifact_file, e.g. log_text(summary, "notes/summary.md")."""
        import io

        data = text.encode("utf-8")
        self._put(artifact_file, io.BytesIO(data), len(data), hashlib.sha256(data).hexdigest())
        return artifact_file

    def download_artifact(self, artifact_file: str) -> bytes:
        """The bytes of one artifact, checked against the sha256 the server sends."""
        _, headers, body = self.client._send("GET", self._artifact_url(artifact_file), "artifacts GET %s" % artifact_file)
        expected = {k.lower(): v for k, v in headers.items()}.get("x-content-sha256")
        if expected and hashlib.sha256(body).hexdigest() != expected.lower():
            raise BallastError("artifact %s does not match its sha256 %s" % (artifact_file, expected), "DATA_LOSS")
        return body

    # ---- the end ---------------------------------------------------------------------------------
    def end(self, status: str = "FINISHED") -> None:
        """Flushes metrics and marks the run FINISHED, FAILED or KILLED (once; later calls do nothing)."""
        if self.status is not None:
            return
        try:
            self.flush()
        finally:
            self.client.call("POST", "runs/update", {"run_id": self.run_id, "status": status, "end_time": _now_ms()})
            self.status = status
