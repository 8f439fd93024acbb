"""The functional core stays plain Python: no Textual, no httpx, no I/O shell (import-linter contracts)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_modules_import_without_textual():
    code = (
        "import sys, pkgutil, importlib, launchpad.core as core\n"
        "for m in pkgutil.iter_modules(core.__path__): importlib.import_module('launchpad.core.' + m.name)\n"
        "bad = [name for name in ('textual', 'httpx', 'asyncio') if name in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
