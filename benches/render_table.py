"""Render the README's framework comparison from a pytest-benchmark JSON of
``benches/bench_frameworks.py``.

    .venv/bin/python -m pytest benches/bench_frameworks.py -p no:cacheprovider \\
        --benchmark-enable --benchmark-json=frameworks.json
    .venv/bin/python benches/render_table.py frameworks.json            # print the Markdown
    .venv/bin/python benches/render_table.py frameworks.json --write README.md

``--write`` replaces what lies between ``<!-- frameworks-table:begin -->`` and
``<!-- frameworks-table:end -->`` in the file. Times are the minimum over rounds; a per-step
time is the round's time divided by its steps.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

BEGIN = "<!-- frameworks-table:begin -->"
END = "<!-- frameworks-table:end -->"

# (label, per-step implementations, table implementations): one row each.
ROWS: list[tuple[str, list[str], list[str]]] = [
    ("fastwarmup (`s.step(); s()`; `precompute`)", ["fastwarmup"], ["fastwarmup"]),
    ("paddle 3.3.1 (`s.step(); s()`; step loop)", ["paddle"], ["paddle"]),
    ("NumPy formula", [], ["numpy"]),
    ("PyTorch `SequentialLR(LinearLR, {decay})`", ["torch.SequentialLR"], ["torch.SequentialLR"]),
    ("PyTorch `LambdaLR`", ["torch.LambdaLR"], ["torch.LambdaLR"]),
    ("**`fastwarmup.torch.LRScheduler`**", ["fastwarmup.torch"], []),
    ("optax `{optax}` (eager / jit; `vmap` / jit(`vmap`))", ["optax", "optax.jit"],
     ["optax.vmap", "optax.vmap.jit"]),
    ("**`fastwarmup.jax.optax_schedule`** (eager / jit; construction)",
     ["fastwarmup.jax", "fastwarmup.jax.jit"], ["fastwarmup.jax"]),
    ("Keras `{keras}` (jit; jit(`vmap`))", ["keras.jit"], ["keras"]),
    ("**`fastwarmup.keras.LearningRateSchedule`** (jit; construction)",
     ["fastwarmup.keras.jit"], ["fastwarmup.keras"]),
]  # fmt: skip
NAMES = {
    "LinearWarmup(PolynomialDecay)": {
        "decay": "PolynomialLR",
        "optax": "join_schedules(linear, polynomial)",
        "keras": "PolynomialDecay` after a user's warm-up `LearningRateSchedule",
    },
    "LinearWarmup(CosineAnnealingDecay)": {
        "decay": "CosineAnnealingLR",
        "optax": "warmup_cosine_decay_schedule",
        "keras": "CosineDecay(warmup_steps=...)",
    },
}
# adapter, its per-step implementation, the framework's own ones.
OVERHEAD = [
    ("`fastwarmup.torch`: `sched.step()`", "fastwarmup.torch",
     ["torch.LambdaLR", "torch.SequentialLR"]),
    ("`fastwarmup.jax`: `f(count)`, eager", "fastwarmup.jax", ["optax"]),
    ("`fastwarmup.jax`: `f(count)`, jitted", "fastwarmup.jax.jit", ["optax.jit"]),
    ("`fastwarmup.keras`: `f(step)`, jitted", "fastwarmup.keras.jit", ["keras.jit"]),
]  # fmt: skip


def _time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"
    raise AssertionError


def _simd(flags: list[str]) -> str:
    if "avx512f" in flags:
        return "AVX-512"
    if "avx2" in flags:
        return "AVX2"
    return "AVX" if "avx" in flags else "SSE"


def load(path: str) -> tuple[dict[str, Any], dict[tuple[str, str, str], dict[str, Any]]]:
    """The JSON's machine info, and its benchmarks by (group kind, schedule, impl)."""
    data = json.loads(Path(path).read_text())
    found = {}
    for bench in data["benchmarks"]:
        info = bench.get("extra_info") or {}
        if "impl" not in info:
            continue
        kind = bench["group"].split(":")[0].removeprefix("frameworks ")
        found[(kind, info["schedule"], info["impl"])] = {
            "min": bench["stats"]["min"],
            "median": bench["stats"]["median"],
            **info,
        }
    return data, found


def _per_step(entry: dict[str, Any] | None) -> str:
    return "—" if entry is None else _time(entry["min"] / entry["steps"])


def _differs(entries: list[dict[str, Any]]) -> str:
    counts = []
    for entry in entries:
        count = entry.get("differs")
        if count is None:
            counts.append("?")
            continue
        share = f" ({100 * count / entry['steps']:.1f}%)" if count else ""
        f32 = ", float32" if entry.get("dtype") == "float32" else ""
        counts.append(f"{count:,}{share}{f32}")
    unique = list(dict.fromkeys(counts))
    return " / ".join(unique) if unique else "—"


def render(path: str) -> str:
    data, found = load(path)
    schedules = sorted({key[1] for key in found}, key=lambda s: list(NAMES).index(s))
    lines: list[str] = []
    any_entry = next(iter(found.values()))
    versions = ", ".join(f"{k} {v}" for k, v in any_entry.get("versions", {}).items())
    machine = data.get("machine_info", {})
    cpu = machine.get("cpu", {})
    simd = _simd(cpu.get("flags", []))
    lines.append(
        f"Measured on {cpu.get('brand_raw', machine.get('processor', '?'))} "
        f"({cpu.get('count', '?')} cores, {simd}; shared and noisy), Python "
        f"{machine.get('python_version', '?')}, {versions}; minimum over rounds, all in one "
        f"run ({data.get('datetime', '?')[:10]})."
    )
    for schedule in schedules:
        names = NAMES[schedule]
        table_n = max(
            (
                e["steps"]
                for (k, s, _), e in found.items()
                if k.startswith("table") and s == schedule
            ),
            default=0,
        )
        lines += [
            "",
            f"`{schedule}` (1M = {table_n:,} steps):",
            "",
            "| implementation | per step | 1M-step table | steps that differ from paddle |",
            "|---|---|---|---|",
        ]
        for label, per_impls, table_impls in ROWS:
            per = [found.get(("per-step", schedule, impl)) for impl in per_impls]
            tables = [found.get(("table(1M)", schedule, impl)) for impl in table_impls]
            if not any(per) and not any(tables):
                continue
            per_text = " / ".join(_per_step(e) for e in per) if per else "—"
            table_text = " / ".join(_time(e["min"]) if e else "—" for e in tables) or "—"
            differ_text = _differs([e for e in tables if e])
            if table_impls == ["paddle"]:
                differ_text = "(the reference)"
            elif not table_impls:
                differ_text = "0 (sets the schedule's values)"
            lines.append(f"| {label.format(**names)} | {per_text} | {table_text} | {differ_text} |")
        update = {
            impl: found.get(("jitted sgd update", schedule, impl))
            for impl in ("fastwarmup.jax", "optax", "constant")
        }
        if all(update.values()):
            lines += [
                "",
                "Per jitted `optax.sgd` update (1,000 parameters): "
                + ", ".join(f"{impl} {_per_step(e)}" for impl, e in update.items())
                + ".",
            ]
    lines += [
        "",
        "Adapter overhead per step (the adapter's step minus the framework's own scheduler's; "
        "negative: the adapter is cheaper):",
        "",
        "| adapter | " + " | ".join(f"`{s}`" for s in schedules) + " |",
        "|---|" + "---|" * len(schedules),
    ]
    for label, ours, theirs in OVERHEAD:
        cells = []
        for schedule in schedules:
            mine = found.get(("per-step", schedule, ours))
            parts = []
            for other in theirs:
                own = found.get(("per-step", schedule, other))
                if mine is None or own is None:
                    continue
                a, b = mine["min"] / mine["steps"], own["min"] / own["steps"]
                sign = "-" if a < b else "+"
                parts.append(f"{sign}{_time(abs(a - b))} vs {other} ({_time(b)})")
            cells.append("; ".join(parts) or "—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write(path: str, text: str) -> None:
    target = Path(path)
    content = target.read_text()
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), flags=re.S)
    if not pattern.search(content):
        sys.exit(f"{path}: no {BEGIN} ... {END} block to replace")
    target.write_text(pattern.sub(lambda _: f"{BEGIN}\n{text}{END}", content))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", help="pytest-benchmark JSON of benches/bench_frameworks.py")
    parser.add_argument("--write", metavar="FILE", help="replace the table block in FILE")
    args = parser.parse_args()
    text = render(args.json)
    if args.write:
        write(args.write, text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
