"""The PyTorch DDP template in docs/training-template.md: its code compiles and its config.yaml loads."""

import os
import re
import unittest

import ballast_test_support as support
from ballast_client import TrainingConfig

DOC = os.path.join(support.REPO_ROOT, "docs", "training-template.md")
README = os.path.join(support.CLIENT_ROOT, "README.md")


def blocks(path, language):
    with open(path, encoding="utf-8") as handle:
        return re.findall(r"```%s\n(.*?)```" % language, handle.read(), re.S)


@unittest.skipUnless(os.path.exists(DOC), "docs/training-template.md is not in this checkout")
class TrainingTemplateTest(unittest.TestCase):
    def test_python_compiles(self):
        code = blocks(DOC, "python")
        self.assertTrue(code)
        for index, source in enumerate(code):
            compile(source, "%s[python %d]" % (DOC, index), "exec")  # torch is not needed to compile

    def test_config_yaml_loads_and_has_the_stated_effective_batch(self):
        (text,) = blocks(DOC, "yaml")
        config = TrainingConfig.from_yaml(text)
        self.assertEqual(config.effective_batch_size, 64 * 4 * 2)
        self.assertIn("64 x 4 x 2 = 512", open(DOC, encoding="utf-8").read())


@unittest.skipUnless(os.path.exists(README), "clients/python/README.md is missing")
class ReadmeTest(unittest.TestCase):
    def test_python_examples_compile(self):
        for index, source in enumerate(blocks(README, "python")):
            compile(source, "%s[python %d]" % (README, index), "exec")


if __name__ == "__main__":
    unittest.main()
