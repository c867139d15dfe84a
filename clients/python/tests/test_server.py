"""Against a real Ballast server: BALLAST_TEST_URL and BALLAST_TEST_TOKEN (an `ingest` token).

`npm run test:int` sets both (scripts/python-client.int.test.ts starts the server in-process), so
these tests always run in CI; by hand they are skipped unless the variables are set. When
BALLAST_TEST_REPORT names a file, the runs logged here are written to it, so the TypeScript side
can check the config hash the server stored against the one Python computed.
"""

import hashlib
import json
import os
import tempfile
import time
import unittest

import ballast_test_support as support
from ballast_client import BallastError, Client, ConfigError, TrainingConfig

URL = os.environ.get("BALLAST_TEST_URL")
TOKEN = os.environ.get("BALLAST_TEST_TOKEN")
REPORT = os.environ.get("BALLAST_TEST_REPORT")

_reported = []


def report(run_id, config, purpose):
    _reported.append({"run_id": run_id, "config_hash": config.config_hash(), "config_json": config.canonical_json(), "purpose": purpose})
    if REPORT:
        with open(REPORT, "w", encoding="utf-8") as handle:
            json.dump(_reported, handle)


@unittest.skipUnless(URL and TOKEN, "set BALLAST_TEST_URL and BALLAST_TEST_TOKEN (an ingest API token) to run the client against a server")
class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = Client(URL, TOKEN)
        cls.experiment = "python-client-%d" % int(time.time() * 1000)

    def history(self, run_id, key):
        return self.client.call("GET", "metrics/get-history", {"run_id": run_id, "metric_key": key, "max_results": 25000})["metrics"]

    def test_logs_a_complete_run_and_reads_it_back(self):
        config = TrainingConfig.from_dict(support.sample())
        steps = 1205  # two points a step: crosses the 1,000-point batch more than once
        with tempfile.TemporaryDirectory() as folder:
            model_file = os.path.join(folder, "model.onnx")
            payload = os.urandom(70_000) + "é\n".encode()
            with open(model_file, "wb") as handle:
                handle.write(payload)
            with self.client.start_run(config, tags={"model": "churn-classifier", "team": "ml-platform"}, experiment_name=self.experiment,
                                       run_name="python-client-e2e") as run:
                for step in range(steps):
                    run.log_metrics({"loss": 1.0 / (step + 1), "accuracy": step / steps}, step=step)
                run.log_metrics({"odd": float("nan")}, step=0)
                run.log_params({"extra_param": 5, "label": "baseline"})
                run.set_tags({"stage": "test"})
                stored = run.log_artifact(model_file, artifact_path="outputs/onnx")
                self.assertEqual(stored, ["outputs/onnx/model.onnx"])
                self.assertEqual(run.download_artifact("outputs/onnx/model.onnx"), payload)
        report(run.run_id, config, "complete run")
        self.assertEqual(run.status, "FINISHED")

        got = self.client.get_run(run.run_id)
        self.assertEqual(got["info"]["status"], "FINISHED")
        self.assertIn("end_time", got["info"])
        self.assertEqual(got["info"]["run_name"], "python-client-e2e")

        params = {p["key"]: p["value"] for p in got["data"]["params"]}
        self.assertEqual(params["ballast.config"], config.canonical_yaml())
        self.assertEqual(params["optimizer.learning_rate"], "1e-7")
        self.assertEqual(params["model.hyperparameters.widths"], "[64,128,256]")
        self.assertEqual(params["datasets.churn-train.version"], support.MD5)
        self.assertEqual(params["effective_batch_size"], str(32 * 4 * 2))
        self.assertEqual(params["extra_param"], "5")
        self.assertEqual(params["label"], "baseline")

        tags = {t["key"]: t["value"] for t in got["data"]["tags"]}
        self.assertEqual(tags["ballast.config_hash"], config.config_hash())
        self.assertEqual(tags["model"], "churn-classifier")
        self.assertEqual(tags["dataset"], ",".join("%s@%s" % (d.name, d.version) for d in config.datasets))
        self.assertTrue(tags["engineer"])
        self.assertEqual(tags["mlflow.user"], tags["engineer"])
        self.assertEqual(tags["team"], "ml-platform")
        self.assertEqual(tags["stage"], "test")
        self.assertEqual(tags["ballast.seed"], "42")
        self.assertEqual(tags["ballast.effective_batch_size"], "256")
        self.assertRegex(tags["ballast.runtime"], r"^CPython 3\.\d+\.\d+; ")
        self.assertIsInstance(json.loads(tags["ballast.libraries"]), dict)
        hardware = json.loads(tags["ballast.hardware"])
        self.assertIn(hardware["device_type"], ("cpu", "gpu"))
        self.assertGreater(hardware["cpu_count"], 0)
        if os.path.exists("/proc/meminfo"):
            self.assertGreater(hardware["memory_bytes"], 0)
        if os.path.isdir(os.path.join(support.REPO_ROOT, ".git")):
            self.assertRegex(tags["mlflow.source.git.commit"], r"^[0-9a-f]{40}$")
            self.assertIn(tags["ballast.git.dirty"], ("true", "false"))

        loss = self.history(run.run_id, "loss")
        self.assertEqual(len(loss), steps)
        by_step = {m["step"]: m["value"] for m in loss}
        self.assertEqual(sorted(by_step), list(range(steps)))
        self.assertAlmostEqual(by_step[9], 0.1)
        self.assertEqual(len(self.history(run.run_id, "accuracy")), steps)
        self.assertEqual(self.history(run.run_id, "odd")[0]["value"], "NaN")

        listed = self.client.call("GET", "artifacts/list", {"run_id": run.run_id})
        top = {f["path"]: f for f in listed["files"]}
        self.assertIn("config.yaml", top)
        self.assertIn("requirements.txt", top)
        self.assertTrue(top["outputs"]["is_dir"])
        nested = self.client.call("GET", "artifacts/list", {"run_id": run.run_id, "path": "outputs/onnx"})
        self.assertEqual([(f["path"], f["file_size"]) for f in nested["files"]], [("outputs/onnx/model.onnx", len(payload))])
        self.assertEqual(run.download_artifact("config.yaml").decode("utf-8"), config.canonical_yaml())
        self.assertTrue(run.download_artifact("requirements.txt").strip())

        datasets = sorted(i["dataset"]["name"] for i in got["inputs"]["dataset_inputs"])
        self.assertEqual(datasets, sorted(d.name for d in config.datasets))

    def test_a_config_too_long_for_a_param_travels_as_config_yaml(self):
        config = TrainingConfig.from_dict(support.minimal(extra={"vocabulary": ["token-%d" % i for i in range(800)]}))
        self.assertGreater(len(config.canonical_yaml()), 6000)
        with self.client.start_run(config, experiment_name=self.experiment, capture_environment=False, capture_hardware=False) as run:
            run.log_metric("loss", 0.5, step=1)
        report(run.run_id, config, "config only as config.yaml")
        got = self.client.get_run(run.run_id)
        params = {p["key"] for p in got["data"]["params"]}
        self.assertNotIn("ballast.config", params)
        self.assertEqual(run.download_artifact("config.yaml").decode("utf-8"), config.canonical_yaml())

    def test_an_exception_marks_the_run_failed_and_propagates(self):
        config = TrainingConfig.from_dict(support.minimal())
        with self.assertRaises(ZeroDivisionError):
            with self.client.start_run(config, experiment_name=self.experiment, capture_environment=False, capture_hardware=False) as run:
                run.log_metrics({"loss": 1.0}, step=0)
                _ = 1 / 0
        got = self.client.get_run(run.run_id)
        self.assertEqual(got["info"]["status"], "FAILED")
        self.assertEqual(len(self.history(run.run_id, "loss")), 1)  # buffered points are flushed first

    def test_server_errors_carry_the_mlflow_error_code(self):
        with self.assertRaises(BallastError) as caught:
            self.client.get_run("0" * 32)
        self.assertEqual(caught.exception.error_code, "RESOURCE_DOES_NOT_EXIST")
        self.assertEqual(caught.exception.status, 404)

        with self.assertRaises(BallastError) as caught:
            Client(URL, "not-a-token").get_run("0" * 32)
        self.assertEqual(caught.exception.error_code, "UNAUTHENTICATED")
        self.assertEqual(caught.exception.status, 401)

        config = TrainingConfig.from_dict(support.minimal())
        with self.client.start_run(config, experiment_name=self.experiment, capture_environment=False, capture_hardware=False) as run:
            run.log_param("lr", "0.1")
            with self.assertRaises(BallastError) as caught:
                run.log_param("lr", "0.2")  # params are immutable
            self.assertEqual(caught.exception.error_code, "INVALID_PARAMETER_VALUE")
            self.assertIn("Changing param values is not allowed", caught.exception.message)
            data = b"hello"
            with self.assertRaises(BallastError) as caught:
                import io

                run._put("notes.txt", io.BytesIO(data), len(data), hashlib.sha256(b"other").hexdigest())
            self.assertEqual(caught.exception.error_code, "INVALID_PARAMETER_VALUE")
            self.assertIn("sha256", caught.exception.message)

    def test_an_invalid_config_is_refused_before_anything_is_sent(self):
        unreachable = Client("http://127.0.0.1:9", TOKEN)
        bad = TrainingConfig.from_dict(support.minimal())
        bad.batch_size_per_device = 0
        with self.assertRaises(ConfigError) as caught:
            unreachable.start_run(bad)
        self.assertIn("batch_size_per_device must be >= 1", str(caught.exception))

    def test_an_unreachable_server_is_a_ballast_error(self):
        client = Client("http://127.0.0.1:9", TOKEN, retries=0)
        with self.assertRaises(BallastError) as caught:
            client.get_run("0" * 32)
        self.assertEqual(caught.exception.error_code, "UNREACHABLE")


if __name__ == "__main__":
    unittest.main()
