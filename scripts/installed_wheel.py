"""pytest plugin for testing the installed wheel (scripts/test_wheel.sh loads it with ``-p``).

- Before collection: ``fastwarmup`` and its extension import from the virtualenv's
  site-packages, and no source tree's ``python/`` directory is on ``sys.path``.
- At the end: every ``fastwarmup`` module that was imported came from site-packages, and at
  least one test passed (a run that collected nothing exits 5, which the script treats as a
  failure; a run where everything was skipped fails here).
"""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

import pytest

SITE = {Path(sysconfig.get_paths()[k]).resolve() for k in ("purelib", "platlib")}


def _installed(path: str | None) -> bool:
    return path is not None and any(Path(path).resolve().is_relative_to(s) for s in SITE)


def _check_modules() -> list[str]:
    return [
        f"{name} from {getattr(mod, '__file__', None)}"
        for name, mod in list(sys.modules.items())
        if (name == "fastwarmup" or name.startswith("fastwarmup."))
        and not _installed(getattr(mod, "__file__", None))
    ]


def pytest_configure(config: pytest.Config) -> None:
    import fastwarmup
    import fastwarmup._fastwarmup as ext

    for entry in sys.path:
        if entry and (Path(entry) / "fastwarmup" / "__init__.py").is_file():
            if not _installed(str(Path(entry) / "fastwarmup" / "__init__.py")):
                raise pytest.UsageError(f"a source tree is on sys.path: {entry}")
    wrong = _check_modules()
    if wrong:
        raise pytest.UsageError(f"fastwarmup is not the installed wheel: {wrong}")
    config.stash[_KEY] = f"{fastwarmup.__file__} ({Path(ext.__file__).name})"


_KEY = pytest.StashKey[str]()


def pytest_report_header(config: pytest.Config) -> str:
    return f"testing the installed wheel: {config.stash[_KEY]}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    wrong = _check_modules()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    passed = len(reporter.stats.get("passed", [])) if reporter else 0
    if wrong:
        print(f"\nfastwarmup modules not from the installed wheel: {wrong}", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif exitstatus == pytest.ExitCode.OK and passed == 0:
        print("\nno test passed: treating the run as failed", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
