"""Random configurations under random operation sequences, and long sequential runs, compared
with paddle bit for bit (see ``_parity.Pair`` for the operations and the checks)."""

from __future__ import annotations

import random

import pytest

from _configs import (
    C,
    Config,
    build,
    cap,
    lambda_inverse,
    random_configs,
    uses_metrics,
    walk,
)
from _libs import IMPLEMENTED, SEED, fw
from _parity import (
    Pair,
    collect,
    exception_matches,
    first_difference,
    long_run_length,
    make_ops,
    same,
)

N_CONFIGS = 1500
OPS_PER_CONFIG = (200, 400)
LONG = 120_000

CONFIGS = random_configs(SEED, N_CONFIGS, IMPLEMENTED) if IMPLEMENTED else []


def _ops(index: int, cfg: Config) -> list[tuple]:
    rng = random.Random(f"{SEED}:ops:{index}")
    return make_ops(cfg, rng, rng.randint(*OPS_PER_CONFIG))


@pytest.mark.parametrize(
    "index", range(len(CONFIGS)), ids=[f"{i:04d}-{c.short}" for i, c in enumerate(CONFIGS)]
)
def test_random_operations(index: int, plr) -> None:
    cfg = CONFIGS[index]
    Pair(cfg, plr, fw, label=f"config {index}").run(_ops(index, cfg))


# --- long runs ------------------------------------------------------------------------------


def _long_configs() -> list[tuple[str, Config]]:
    poly = "PolynomialDecay"
    named = [
        ("seed", C("LinearWarmup", C(poly, 0.1, 100_000, end_lr=0.0, power=0.9), 10_000, 0.0, 0.1)),
        ("poly-cycle", C(poly, 0.1, 1_000, end_lr=1e-4, power=2, cycle=True)),
        ("poly-int-lr", C(poly, 1, 333, end_lr=0, power=0.5)),
        (
            "warmup-depth-3",
            C(
                "LinearWarmup",
                C(
                    "LinearWarmup",
                    C("LinearWarmup", C(poly, 0.05, 5_000, cycle=True), 100, 0.001, 0.05),
                    10,
                    0.0,
                    0.001,
                ),
                7,
                0,
                1e-4,
            ),
        ),
        ("warmup-int", C("LinearWarmup", 5, 1_000, 0, 5)),
        (
            "warmup-subclass",
            C("LinearWarmup", C("LRScheduler", 0.1, 0.9999, sub="Geometric"), 1000, 0.0, 0.1),
        ),
        (
            "warmup-paddle-poly",
            C("LinearWarmup", C(poly, 0.1, 50_000, power=0.9, foreign=True), 500, 0.0, 0.1),
        ),
        ("noam", C("NoamDecay", 512, 4000)),
        ("piecewise", C("PiecewiseDecay", [1000, 20_000, 60_000], [0.1, 0.05, 1, 0.001])),
        ("natural-exp", C("NaturalExpDecay", 0.5, 1e-4)),
        ("inverse-time", C("InverseTimeDecay", 0.5, 0.01)),
        ("exponential", C("ExponentialDecay", 0.1, 0.9999)),
        ("multistep", C("MultiStepDecay", 0.1, [3000, 40_000, 90_000], 0.5)),
        ("step", C("StepDecay", 0.1, 7000, 0.7)),
        ("lambda", C("LambdaDecay", 0.1, lambda_inverse)),
        ("plateau", C("ReduceOnPlateau", 0.1, factor=0.9, patience=100, cooldown=10)),
        ("cosine", C("CosineAnnealingDecay", 0.1, 997, eta_min=1e-5)),
        ("one-cycle", C("OneCycleLR", 0.1, 100_000, three_phase=True, phase_pct=0.25)),
        ("cyclic", C("CyclicLR", 0.001, 0.1, 2000, 3000, mode="triangular2")),
        ("linear-lr", C("LinearLR", 0.1, 50_000, 0.25, 1.0)),
        ("warm-restarts", C("CosineAnnealingWarmRestarts", 0.1, 1000, 2, 1e-5)),
        ("warmup-cosine", C("LinearWarmup", C("CosineAnnealingDecay", 0.1, 5000), 2000, 0.0, 0.1)),
    ]
    return [
        (name, cfg)
        for name, cfg in named
        if all(n.cls in IMPLEMENTED or n.foreign for n in walk(cfg))
    ]


def _random_long_configs(count: int) -> list[tuple[str, Config]]:
    """Random configurations that can step forever (no cap: no OneCycleLR or O(epoch)
    MultiplicativeDecay inside)."""
    out: list[tuple[str, Config]] = []
    rng = random.Random(f"{SEED}:long")
    while IMPLEMENTED and len(out) < count:
        cfg = random_configs(rng.randrange(2**32), 1, IMPLEMENTED, verbose_p=0.0)[0]
        if cap(cfg) is None and not uses_metrics(cfg) and cfg.kwargs.get("last_epoch", -1) == -1:
            out.append((f"random-{len(out)}-{cfg.short}", cfg))
    return out


NAMED_LONG_CONFIGS = _long_configs()
LONG_CONFIGS = NAMED_LONG_CONFIGS + _random_long_configs(4)


@pytest.mark.parametrize("cfg", [c for _, c in LONG_CONFIGS], ids=[n for n, _ in LONG_CONFIGS])
def test_long_run(cfg: Config, plr) -> None:
    """Over 100,000 sequential steps (read, then step), every value bit for bit; a random
    configuration may end earlier with an error (CyclicLR's ``2.0 ** cycle`` overflows), which
    fastwarmup must raise at the same step."""
    n = long_run_length(cfg, LONG)
    assert n >= 100_000
    pd, f = build(cfg, plr, plr), build(cfg, fw, plr)
    metrics = uses_metrics(cfg)
    pd_values, pd_exc = collect(pd, n, metrics)
    fw_values, fw_exc = collect(f, n, metrics)
    problem = first_difference(pd_values, fw_values)
    assert problem is None, f"{cfg!r}: {problem} (FASTWARMUP_SEED={SEED})"
    if pd_exc is None and fw_exc is None:
        assert same(pd.state_dict(), f.state_dict()), f"{cfg!r}: state dicts differ at the end"
        return
    named = any(c is cfg for _, c in NAMED_LONG_CONFIGS)
    assert pd_exc is not None and not named, f"{cfg!r}: paddle {pd_exc!r}, fastwarmup {fw_exc!r}"
    assert fw_exc is not None and exception_matches(pd_exc, fw_exc), (
        f"{cfg!r} at step {len(pd_values)}: paddle raised {pd_exc!r}, fastwarmup {fw_exc!r}"
    )
