"""Build step that pyproject.toml cannot say: ship the bundled plan inside the package.

`timelines/` and `checklists/` stay at the top of the repository (their source, readable and editable there);
the wheel gets a copy under `launchpad/data/`, where `launchpad.bundled` finds it after a regular install.
"""

import os

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("timelines", "checklists")


class BuildWithBundledPlan(build_py):
    def run(self) -> None:
        super().run()
        here = os.path.dirname(os.path.abspath(__file__))
        for name in BUNDLED:
            source = os.path.join(here, name)
            if os.path.isdir(source):
                self.copy_tree(source, os.path.join(self.build_lib, "launchpad", "data", name))


setup(cmdclass={"build_py": BuildWithBundledPlan})
