"""Test set-up: paddle as a lazily imported oracle, the run's seed, the self-check mode.

- Tests that take the ``plr`` fixture (``paddle.optimizer.lr``) get the ``paddle`` marker: they
  are skipped when paddle is not importable, or fail if ``FASTWARMUP_REQUIRE_PADDLE=1``.
- ``FASTWARMUP_SEED=<int>`` replaces the default seed; the seed is printed in the header and
  in the report of every failed test.
- ``FASTWARMUP_SELFCHECK=1`` runs the suite paddle against paddle (``fw`` is
  ``paddle.optimizer.lr``): it validates the generators, the driver and the comparisons
  without the package. Tests marked ``fastwarmup_only`` (paddle does not have the behaviour:
  ``ValueError`` where paddle asserts, bad-``n`` precompute errors, ...) are skipped then.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, settings

from _libs import DEFAULT_SEED, SEED, SELFCHECK, paddle_lr

settings.register_profile(
    "fastwarmup",
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("fastwarmup")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "paddle: needs paddlepaddle 3.3.1 (added to every test using `plr`)"
    )
    config.addinivalue_line(
        "markers", "fastwarmup_only: checks behaviour paddle lacks; skipped in the self-check"
    )
    config.addinivalue_line("filterwarnings", "ignore:No ccache found:UserWarning")


def pytest_report_header(config: pytest.Config) -> list[str]:
    source = "default" if SEED == DEFAULT_SEED else "from FASTWARMUP_SEED"
    mode = "SELF-CHECK (fw is paddle.optimizer.lr)" if SELFCHECK else "fastwarmup.lr vs paddle"
    return [f"fastwarmup parity: seed {SEED} ({source}); {mode}"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "plr" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.paddle)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if SELFCHECK and item.get_closest_marker("fastwarmup_only"):
        pytest.skip("fastwarmup-only behaviour (self-check runs paddle against paddle)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.failed:
        report.sections.append(
            ("fastwarmup seed", f"reproduce with FASTWARMUP_SEED={SEED} (SELFCHECK={SELFCHECK})")
        )
    return report


@pytest.fixture(scope="session")
def plr():
    """``paddle.optimizer.lr``, imported once; skips (or fails) when paddle is missing."""
    return paddle_lr()


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    """A random stream of the run's seed and this test's id (independent of test order)."""
    return random.Random(f"{SEED}:{request.node.nodeid}")
