"""The package as users meet it: what it exports, what importing it costs, what its README and
docstrings promise."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import fastwarmup
from fastwarmup import lr

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_paddle_class_is_exported(plr) -> None:
    assert sorted(lr.__all__) == sorted(plr.__all__)
    for name in plr.__all__:
        assert getattr(lr, name).__module__ == "fastwarmup.lr"


@pytest.mark.parametrize("name", lr.__all__)
def test_public_classes_document_their_formula(name: str) -> None:
    doc = getattr(lr, name).__doc__ or ""
    assert len(doc.splitlines()) >= 2, f"{name} has no docstring"
    if name != "LRScheduler":
        assert "lr" in doc or "=" in doc, f"{name}'s docstring states no formula"


def test_import_pulls_in_no_framework() -> None:
    code = (
        "import sys, fastwarmup; "
        "print(sorted(m for m in ('paddle', 'torch', 'jax', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version_is_the_crate_version() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", fastwarmup.__version__)


def _readme_python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("block", range(len(_readme_python_blocks())))
def test_readme_examples_run(block: int) -> None:
    exec(compile(_readme_python_blocks()[block], f"README block {block}", "exec"), {})
