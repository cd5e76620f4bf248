"""The ``fastwarmup`` command as users run it: each subcommand as a real subprocess (``python -m
fastwarmup`` and the console script), its files decoded and compared with ``precompute`` bit
for bit, ``check`` against one planted mistake per kind, and every bad input as one line with
exit status 2."""

from __future__ import annotations

import copy
import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from fastwarmup import lr
from fastwarmup.cli import schedule
from fastwarmup.cli.spec import SpecError, builtin_path, parse_expression

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "configs"
MODULE = [sys.executable, "-m", "fastwarmup"]
SCRIPT = Path(sys.executable).parent / "fastwarmup"
SUBCOMMANDS = ("show", "plot", "check", "export")
SEED_EXPR = "LinearWarmup(PolynomialDecay(0.1, 1000, end_lr=0.0, power=0.9), 100, 0.0, 0.1)"
ENV = {**os.environ, "COLUMNS": "80", "PYTHONIOENCODING": "utf-8"}


def fw(
    *args: str | Path, env: dict[str, str] | None = None, **kwargs
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*MODULE, *map(str, args)],
        capture_output=True,
        text=True,
        env=env or ENV,
        timeout=300,
        **kwargs,
    )


def seed() -> lr.LRScheduler:
    decay = lr.PolynomialDecay(0.1, 1000, end_lr=0.0, power=0.9)
    return lr.LinearWarmup(decay, 100, 0.0, 0.1)


def builtin() -> lr.LRScheduler:
    from fastwarmup.ocr import from_yaml

    return from_yaml(builtin_path(), 100)


def assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


# --- help, entry points, import cost ----------------------------------------------------------


@pytest.mark.parametrize("command", ("", *SUBCOMMANDS))
def test_help_for_every_subcommand_has_an_example(command: str) -> None:
    result = fw(*([command] if command else []), "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: fastwarmup")
    assert "examples:" in result.stdout
    if command == "check":
        assert "exit status: 0 clean, 1 findings" in " ".join(result.stdout.split())
    if command in ("show", "plot", "check", "export"):
        assert "--step-each-epoch" in result.stdout and "(default 100)" in result.stdout


def test_console_script_and_module_print_the_same() -> None:
    assert SCRIPT.exists(), f"console script not installed at {SCRIPT}"
    script = subprocess.run(
        [str(SCRIPT), "show"], capture_output=True, text=True, env=ENV, timeout=300
    )
    module = fw("show")
    assert script.returncode == module.returncode == 0, script.stderr + module.stderr
    assert script.stdout == module.stdout


def test_no_subcommand_prints_help() -> None:
    result = fw()
    assert result.returncode == 0
    assert "show" in result.stdout and "export" in result.stdout


def test_importing_the_cli_imports_no_optional_dependency() -> None:
    code = (
        "import sys, fastwarmup, fastwarmup.cli; "
        "print(sorted(m for m in ('yaml', 'matplotlib', 'tqdm', 'pyarrow', 'argparse', "
        "'fastwarmup.cli.main') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- show ---------------------------------------------------------------------------------------


def test_docs_show_txt_is_the_output_of_fastwarmup_show() -> None:
    result = fw("show")
    assert result.returncode == 0, result.stderr
    assert (ROOT / "docs" / "show.txt").read_text(encoding="utf-8") == result.stdout


def test_show_builtin_example() -> None:
    out = fw("show").stdout
    assert "PaddleOCR config, Optimizer.lr.name Cosine" in out
    assert "10,000 steps = Global.epoch_num 100 x 100 steps per epoch" in out
    assert "LinearWarmup(warmup_steps=500, start_lr=0.0, end_lr=0.001)" in out
    assert "└─ learning_rate: CosineAnnealingDecay(learning_rate=0.001, T_max=10000" in out
    assert re.search(r"0-499\s+0-5\s+warmup", out)
    assert re.search(r"500-9,999\s+5-100\s+decay", out)
    values = builtin().precompute(10_000)
    for step, what in (
        (0, "first step"),
        (499, "last warm-up step"),
        (500, "first step after"),
        (9999, "last step"),
    ):
        row = next(line for line in out.splitlines() if what in line)
        assert f"{step:,}" in row and repr(float(values[step])) in row, row
    assert "⣀" in out or "⠉" in out  # the braille plot


def test_show_a_users_paddleocr_config_with_its_steps_per_epoch() -> None:
    result = fw("show", EXAMPLES / "rec_svtr_warmup.yml", "--step-each-epoch", "50", "--no-plot")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1,000 steps = Global.epoch_num 20 x 50 steps per epoch" in out
    assert "PiecewiseDecay(boundaries=[600, 900], values=[0.0005, 5e-05, 5e-06])" in out
    assert out.count("lr drops (milestone)") == 2
    assert "⠉" not in out


def test_show_marked_values_are_precompute_exactly(tmp_path: Path) -> None:
    spec = {
        "name": "LinearWarmup",
        "warmup_steps": 100,
        "start_lr": 0.0,
        "end_lr": 0.1,
        "learning_rate": {
            "name": "PolynomialDecay",
            "learning_rate": 0.1,
            "decay_steps": 1000,
            "end_lr": 0.0,
            "power": 0.9,
        },
        "steps": 1100,
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(spec))
    values = seed().precompute(1100)
    for target in (path, SEED_EXPR):
        out = fw("show", target, "--no-plot").stdout
        assert "1,100 steps" in out
        rows = re.findall(
            r"^\s+([\d,]+)\s+(\S+)\s+(first step|last warm-up step|first step "
            r"after warm-up|last step)",
            out,
            flags=re.M,
        )
        assert len(rows) == 4, out
        for step, value, _ in rows:
            assert float(value) == values[int(step.replace(",", ""))]


def test_show_restarts_and_log_plot() -> None:
    out = fw("show", "CosineAnnealingWarmRestarts(0.1, 10, 2, eta_min=0.001)", "--log").stdout
    assert "70 steps (the schedule's own length" in out
    assert len(re.findall(r"^\s+\d+-\d+\s+restart", out, flags=re.M)) == 2
    assert "(log scale)" in out


def test_show_ascii_plot_where_braille_cannot_be_encoded() -> None:
    env = {**ENV, "PYTHONIOENCODING": "ascii:replace"}
    out = subprocess.run(
        [*MODULE, "show", "StepDecay(0.1, 30)"], capture_output=True, env=env, timeout=300
    ).stdout.decode("ascii")
    assert "*" in out and "|" in out


# --- plot ---------------------------------------------------------------------------------------


def test_plot_png_several_specs_log_epochs(tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "lr.png"
    result = fw(
        "plot",
        "--step-each-epoch",
        "50",
        EXAMPLES / "det_db_warmup.yml",
        EXAMPLES / "rec_svtr_warmup.yml",
        SEED_EXPR,
        "--log",
        "--epochs",
        "--size",
        "640x400",
        "-o",
        out,
    )
    assert result.returncode == 0, result.stderr
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.size == (640, 400)
        pixels = np.asarray(image.convert("RGB"))
    assert pixels.std() > 10  # not blank
    colors = {tuple(c) for c in pixels.reshape(-1, 3)[::7]}
    # matplotlib's default cycle: three series, three hues
    for hue in ((31, 119, 180), (255, 127, 14), (44, 160, 44)):
        near = (sum(abs(int(a) - b) for a, b in zip(c, hue, strict=True)) for c in colors)
        assert min(near) < 30, hue


def test_plot_svg_default_example_with_steps(tmp_path: Path) -> None:
    out = tmp_path / "lr.svg"
    result = fw("plot", "-o", out, "--size", "800x500", "--steps", "20000", "--title", "mine")
    assert result.returncode == 0, result.stderr
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    assert (root.get("width"), root.get("height")) == ("576pt", "360pt")  # 800x500 at 100 dpi
    text = out.read_text()
    assert "built-in example (example_det.yml) (20,000 steps)" in text  # the legend entry
    assert "mine" in text
    paths = [p for p in root.iter() if p.tag.endswith("path") and len(p.get("d", "")) > 500]
    assert paths, "no drawn line"


def test_plot_without_matplotlib_says_how_to_install_it(tmp_path: Path) -> None:
    fake = tmp_path / "fake" / "matplotlib"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    env = {**ENV, "PYTHONPATH": str(tmp_path / "fake")}
    result = fw("plot", "-o", tmp_path / "lr.png", env=env)
    assert_one_line_error(result, "pip install 'fastwarmup[plot]'")
    assert not (tmp_path / "lr.png").exists()


# --- export -------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ("float64", "float32"))
def test_export_npy_equals_precompute(tmp_path: Path, dtype: str) -> None:
    out = tmp_path / "lr.npy"
    result = fw(
        "export", SEED_EXPR, "--steps", "5000", "--dtype", dtype, "--chunk", "333", "-o", out
    )
    assert result.returncode == 0, result.stderr
    got = np.load(out)
    assert got.dtype == np.dtype(dtype)
    assert np.array_equal(got, seed().precompute(5000, dtype=np.dtype(dtype)))


def test_export_csv_equals_precompute_and_reads_back_exactly(tmp_path: Path) -> None:
    out = tmp_path / "lr.csv"
    assert fw("export", "--steps", "3000", "--chunk", "1000", "-o", out).returncode == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "step,lr"
    steps = [int(line.split(",")[0]) for line in lines[1:]]
    values = np.array([float(line.split(",")[1]) for line in lines[1:]])
    assert steps == list(range(3000))
    assert np.array_equal(values, builtin().precompute(3000))


def test_export_csv_float32_to_stdout() -> None:
    result = fw("export", SEED_EXPR, "--steps", "1200", "--dtype", "float32", "-o", "-")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "step,lr" and len(lines) == 1201
    values = np.array([float(line.split(",")[1]) for line in lines[1:]], dtype=np.float32)
    assert np.array_equal(values, seed().precompute(1200, dtype=np.float32))


def test_export_csv_to_a_closed_pipe_is_quiet() -> None:
    proc = subprocess.run(
        f"{sys.executable} -m fastwarmup export --steps 2000000 -o - | head -3",
        shell=True,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert proc.stdout.splitlines() == ["step,lr", "0,0.0", "1,2e-06"]
    assert proc.stderr == ""


def test_export_parquet_equals_precompute(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "lr.parquet"
    result = fw(
        "export", SEED_EXPR, "--steps", "2500", "--dtype", "float32", "--chunk", "1000", "-o", out
    )
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.column_names == ["step", "lr"]
    assert np.array_equal(table["step"].to_numpy(), np.arange(2500))
    got = table["lr"].to_numpy()
    assert got.dtype == np.float32
    assert np.array_equal(got, seed().precompute(2500, dtype=np.float32))


def test_export_streams_in_bounded_memory(tmp_path: Path) -> None:
    """20M float64 steps (160 MB of output) in far less memory than the output."""
    n = 20_000_000
    out = tmp_path / "lr.npy"
    code = (
        "import re, sys\n"
        "from fastwarmup.cli import main\n"
        f"rc = main(['export', {SEED_EXPR!r}, '--steps', '{n}', '-q', '-o', {str(out)!r}])\n"
        # VmHWM: this process's peak RSS (ru_maxrss can carry the parent's over exec)
        "status = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))\n"
        "sys.exit(rc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    peak_mb = int(result.stdout.strip()) / 1024
    assert peak_mb < 110, f"peak RSS {peak_mb:.0f} MB for a 160 MB output"
    got = np.load(out, mmap_mode="r")
    assert got.shape == (n,)
    sched = seed()
    for start in (0, 5_000_000, n - 1_000_000):
        ahead = copy.deepcopy(sched)
        ahead.step(start)  # a pure schedule: step(e) is e steps, exactly
        assert np.array_equal(got[start : start + 1_000_000], ahead.precompute(1_000_000))


def _run_on_pty(args: list[str]) -> str:
    """stderr of a run whose stderr is a terminal (stdout is a pipe)."""
    master, slave = pty.openpty()
    # a terminal 100 columns wide (a new pty has no size, and tqdm draws nothing in 0 columns)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        proc = subprocess.run(
            [*MODULE, *args], stdout=subprocess.PIPE, stderr=slave, env=ENV, timeout=300
        )
        os.close(slave)
        slave = -1
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_export_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    pytest.importorskip("tqdm")
    out = str(tmp_path / "lr.npy")
    args = ["export", SEED_EXPR, "--steps", "3000000", "--chunk", "100000", "-o", out]
    on_terminal = _run_on_pty(args)
    assert "step/s" in on_terminal or "it/s" in on_terminal or "%|" in on_terminal, on_terminal
    quiet = _run_on_pty([*args, "--quiet"])
    assert quiet == ""
    piped = fw(*args)
    assert piped.returncode == 0
    assert "%|" not in piped.stderr
    assert piped.stderr.startswith("wrote 3,000,000 steps (float64) to")


# --- exact chunks -------------------------------------------------------------------------------


def _chunk_cases() -> list[object]:
    from fastwarmup.ocr import CyclicalCosineDecay, OneCycleDecay, TwoStepCosineDecay

    return [
        seed(),
        lr.CosineAnnealingDecay(0.1, 300),
        lr.CosineAnnealingDecay(0.1, 50, eta_min=0.01),
        lr.LinearLR(0.1, 300),
        lr.CosineAnnealingWarmRestarts(0.1, 10, 2),
        lr.CosineAnnealingWarmRestarts(0.1, 7, 1, eta_min=0.001),
        lr.CyclicLR(0.01, 0.1, 13, mode="exp_range", exp_gamma=0.99),
        lr.OneCycleLR(0.1, 5000),
        lr.NoamDecay(512, 100),
        lr.PiecewiseDecay([10, 20], [0.1, 0.01, 0.001]),
        lr.MultiStepDecay(0.1, [50, 80]),
        lr.StepDecay(0.1, 30),
        lr.ExponentialDecay(0.1, 0.999),
        lr.NaturalExpDecay(0.1, 0.01),
        lr.InverseTimeDecay(0.1, 0.01),
        lr.PolynomialDecay(0.1, 100, cycle=True),
        lr.ReduceOnPlateau(0.1),
        lr.LinearWarmup(lr.CosineAnnealingDecay(0.1, 300), 50, 0.0, 0.1),
        lr.LinearWarmup(
            lr.LinearWarmup(lr.CosineAnnealingWarmRestarts(0.1, 10, 2), 5, 0.0, 0.1), 7, 0.0, 0.05
        ),
        lr.MultiplicativeDecay(0.1, lambda e: 0.99),
        CyclicalCosineDecay(0.1, 1000, cycle=77),
        OneCycleDecay(0.1, epochs=10, steps_per_epoch=100),
        TwoStepCosineDecay(0.1, 200, 1000),
        lr.LinearWarmup(TwoStepCosineDecay(0.1, 200, 1000), 30, 0.0, 0.1),
        schedule.Constant(0.5),
    ]


@pytest.mark.parametrize("index", range(25))
def test_chunks_equal_one_precompute(index: int) -> None:
    sched = _chunk_cases()[index]
    n = 999
    whole = sched.precompute(n)
    for size in (1, 2, 7, 64, 500):
        got = np.concatenate(list(schedule.chunks(sched, n, size)))
        assert np.array_equal(whole, got), (sched, size)
        got32 = np.concatenate(list(schedule.chunks(sched, n, size, np.float32)))
        assert np.array_equal(sched.precompute(n, dtype=np.float32), got32)
    if not isinstance(sched, lr.ReduceOnPlateau):
        for _ in range(13):
            sched.step()
        assert np.array_equal(
            np.concatenate(list(schedule.chunks(sched, 500, 10))), sched.precompute(500)
        )
    assert sched.last_epoch == (13 if not isinstance(sched, lr.ReduceOnPlateau) else 0)


def test_chunk_cases_cover_every_class() -> None:
    import fastwarmup.ocr

    names = {type(s).__name__ for s in _chunk_cases()}
    expected = set(lr.__all__) - {"LRScheduler", "LambdaDecay"} | set(fastwarmup.ocr.__all__)
    expected -= {"build_lr_scheduler", "from_yaml"}
    assert expected <= names


# --- check --------------------------------------------------------------------------------------


def _paddleocr(lr_section: str, epochs: int = 100) -> str:
    return f"Global:\n  epoch_num: {epochs}\nOptimizer:\n  name: Adam\n  lr:\n{lr_section}"


PLANTED: dict[str, tuple[str, str, str]] = {
    # kind: (file name, content, the key the finding must name)
    "list-length": (
        "piecewise.yml",
        _paddleocr(
            "    name: Piecewise\n    decay_epochs: [30, 60, 90]\n    values: [0.1, 0.01, 0.001]\n"
        ),
        "Optimizer.lr.decay_epochs",
    ),
    "boundary-past-end": (
        "milestones.yml",
        _paddleocr(
            "    name: MultiStepDecay\n    learning_rate: 0.001\n    milestones: [50, 100]\n"
            "    gamma: 0.1\n"
        ),
        "Optimizer.lr.milestones[1]",
    ),
    "warmup-rounds-to-zero": (
        "warmup_round.yml",
        _paddleocr("    name: Cosine\n    learning_rate: 0.001\n    warmup_epoch: 0.04\n"),
        "Optimizer.lr.warmup_epoch",
    ),
    "string-number": (
        "string.yml",
        _paddleocr("    name: Cosine\n    learning_rate: 1e-4\n    warmup_epoch: 2\n"),
        "Optimizer.lr.learning_rate",
    ),
    "ignored-key": (
        "ignored.yml",
        _paddleocr("    name: DecayLearningRate\n    learning_rate: 0.001\n    end_lr: 0.0001\n"),
        "Optimizer.lr.end_lr",
    ),
    "handover-jump": (
        "handover.yml",
        _paddleocr("    name: OneCycle\n    max_lr: 0.01\n    warmup_epoch: 2\n"),
        "Optimizer.lr.warmup_epoch",
    ),
    "warmup-too-long": (
        "warmup_long.yml",
        _paddleocr("    name: Cosine\n    learning_rate: 0.001\n    warmup_epoch: 20\n", epochs=20),
        "Optimizer.lr.warmup_epoch",
    ),
    "early-minimum": (
        "early.yml",
        "name: LinearWarmup\nwarmup_steps: 10\nstart_lr: 0.0\n"
        "end_lr: 0.1\nlearning_rate:\n  name: PolynomialDecay\n  learning_rate: 0.1\n"
        "  decay_steps: 200\n  end_lr: 0.001\nsteps: 1000\n",
        "learning_rate.name",
    ),
    "never-decays": (
        "never.yml",
        _paddleocr(
            "    name: Linear\n    learning_rate: 0.001\n    end_lr: 0.001\n    warmup_epoch: 1\n"
        ),
        "Optimizer.lr",
    ),
    "bad-value": (
        "negative.json",
        json.dumps(
            {
                "name": "PolynomialDecay",
                "learning_rate": 0.1,
                "decay_steps": 100,
                "end_lr": -0.01,
                "steps": 100,
            }
        ),
        "name",
    ),
    "zero-lr": (
        "zero.yml",
        "name: PolynomialDecay\nlearning_rate: 0.1\ndecay_steps: 100\nend_lr: 0.0\nsteps: 300\n",
        "name",
    ),
    "onecycle-past-total": (
        "onecycle.yml",
        "name: OneCycleLR\nmax_learning_rate: 0.1\ntotal_steps: 100\nsteps: 150\n",
        "name",
    ),
    "build-error": (
        "unknown_name.yml",
        _paddleocr("    name: Cosin\n    learning_rate: 0.001\n"),
        "Optimizer.lr.name",
    ),
}
CLEAN = {
    "linear.yml": _paddleocr(
        "    name: Linear\n    learning_rate: 0.001\n    end_lr: 0.0\n    warmup_epoch: 2\n"
    ),
    "piecewise.yml": _paddleocr(
        "    name: Piecewise\n    decay_epochs: [30, 60]\n    values: [0.1, 0.01, 0.001]\n"
        "    warmup_epoch: 1\n"
    ),
    "const.yml": _paddleocr("    name: Const\n    learning_rate: 0.001\n    warmup_epoch: 1\n"),
    "seed.json": json.dumps(
        {
            "name": "LinearWarmup",
            "warmup_steps": 100,
            "start_lr": 0.0,
            "end_lr": 0.1,
            "learning_rate": {
                "name": "PolynomialDecay",
                "learning_rate": 0.1,
                "decay_steps": 1000,
                "end_lr": 0.0,
                "power": 0.9,
            },
        }
    ),
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    folder = tmp_path_factory.mktemp("planted")
    for name, content, _ in PLANTED.values():
        (folder / name).write_text(content)
    result = fw(
        "check", "--step-each-epoch", "10", *sorted(p.name for p in folder.iterdir()), cwd=folder
    )
    return result, folder


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_check_finds_each_planted_mistake(kind: str, planted) -> None:
    result, _ = planted
    assert result.returncode == 1, result.stderr
    name, _, key = PLANTED[kind]
    lines = [line for line in result.stdout.splitlines() if line.startswith(name + ":")]
    assert any(line.endswith(f"[{kind}]") for line in lines), (kind, lines)
    line = next(line for line in lines if line.endswith(f"[{kind}]"))
    assert re.match(rf"{re.escape(name)}(:\d+)?: {re.escape(key)}: \S", line), line


def test_check_names_the_line_of_the_key(planted) -> None:
    result, folder = planted
    line = next(x for x in result.stdout.splitlines() if x.startswith("ignored.yml:"))
    number = int(line.split(":")[1])
    assert (
        (folder / "ignored.yml").read_text().splitlines()[number - 1].strip().startswith("end_lr:")
    )


def test_check_every_planted_file_has_a_finding_and_the_summary_counts_them(planted) -> None:
    result, _ = planted
    files = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert files == {name for name, _, _ in PLANTED.values()}
    count = len(result.stdout.splitlines())
    assert result.stderr.strip() == f"{count} findings in {len(PLANTED)} specs"


def test_check_passes_clean_configs(tmp_path: Path) -> None:
    for name, content in CLEAN.items():
        (tmp_path / name).write_text(content)
    result = fw(
        "check",
        *sorted(CLEAN),
        *sorted(map(str, EXAMPLES.glob("*.yml"))),
        "--step-each-epoch",
        "10",
        cwd=tmp_path,
    )
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr
    assert "no findings" in result.stderr
    for args in ([], [SEED_EXPR], ["--quiet"]):
        result = fw("check", *args)
        assert result.returncode == 0 and result.stdout == "", result.stdout


def test_check_expression_findings_and_unusable_input_wins(tmp_path: Path) -> None:
    result = fw("check", "PolynomialDecay(0.1, 100, end_lr=0.0)", "--steps", "300")
    assert result.returncode == 1
    assert result.stdout.startswith("expression: name: lr is 0 at steps 100-299")
    result = fw(
        "check", "PolynomialDecay(0.1, 100, end_lr=0.0)", tmp_path / "missing.yml", "--steps", "300"
    )
    assert result.returncode == 2
    assert "missing.yml: no such file" in result.stderr


# --- bad input ----------------------------------------------------------------------------------


BAD_FILES = {
    "invalid.yml": "Global:\n  epoch_num: [1\nOptimizer: {}\n",
    "unknown.yml": "name: LinearWarmup\nwarmup_steps: 100\nstart_lr: 0.0\nend_lr: 0.1\n"
    "learning_rate:\n  name: PolynomialDecy\n  learning_rate: 0.1\n  decay_steps: 1000\n",
    "badarg.json": json.dumps({"name": "PolynomialDecay", "learning_rate": 0.1, "decay_steps": -5}),
    "ocr_bad.yml": _paddleocr("    name: Cosine\n    learning_rate: 1e-4\n"),
    "neither.yml": "just: [a, list]\n",
}
BAD_INPUTS = [
    # (arguments, what the line must say)
    (["show", "missing.yml"], ["missing.yml: no such file"]),
    (["plot", "missing.yml", "-o", "x.png"], ["missing.yml: no such file"]),
    (["export", "missing.yml", "-o", "x.npy"], ["missing.yml: no such file"]),
    (["show", "invalid.yml"], ["invalid.yml:3:10: invalid YAML"]),
    (["check", "invalid.yml"], ["invalid.yml:3:10: invalid YAML"]),
    (["show", "unknown.yml"], ["unknown.yml: learning_rate.name", "did you mean PolynomialDecay"]),
    (["show", "PolynomialDecy(0.1, 10)"], ["expression, column 1", "'PolynomialDecy'"]),
    (["show", "badarg.json"], ["badarg.json: decay_steps:", "-5"]),
    (["show", "PolynomialDecay(0.1, -10)"], ["expression, column 22", "decay_steps must be"]),
    (["show", "ocr_bad.yml"], ["ocr_bad.yml: Optimizer.lr.learning_rate", "1.0e-4"]),
    (["show", "neither.yml"], ["neither.yml: neither a PaddleOCR config"]),
    (["show", "PolynomialDecay(0.1, 10"], ["expression", "invalid syntax"]),
    (["show", "OneCycleLR(0.1, 100)", "--steps", "200"], ["--steps 100 at most"]),
    (["plot", "-o", "no/such/dir/lr.png"], ["no/such/dir/lr.png: cannot write"]),
    (["plot", "-o", "lr.jpg"], ["lr.jpg: unknown image type '.jpg'"]),
    (["plot", "-o", "lr.png", "--size", "big"], ["--size: expected WIDTHxHEIGHT"]),
    (["export", "-o", "no/such/dir/lr.npy"], ["no/such/dir/lr.npy: cannot write"]),
    (["export", "-o", "lr.txt"], ["lr.txt: unknown file type '.txt'"]),
    (["export", "-o", "taken.npy"], ["taken.npy: cannot write: Is a directory"]),
    (["plot", "-o", "BAD_FILES.png/lr.png"], ["BAD_FILES.png/lr.png: cannot write"]),
    (["show", "--steps", "0"], ["--steps: expected a positive integer"]),
    (["show", "--bogus"], ["unrecognized arguments: --bogus"]),
]


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    for name, content in BAD_FILES.items():
        (folder / name).write_text(content)
    (folder / "taken.npy").mkdir()
    (folder / "BAD_FILES.png").write_text("a file, not a directory")
    return folder


@pytest.mark.parametrize(("args", "needles"), BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_bad_input_is_one_line_and_exit_2(args: list[str], needles: list[str], bad_dir) -> None:
    assert_one_line_error(fw(*args, cwd=bad_dir), *needles)
    assert sorted(p.name for p in bad_dir.iterdir()) == sorted(
        [*BAD_FILES, "taken.npy", "BAD_FILES.png"]
    )


def test_debug_shows_the_traceback(bad_dir: Path) -> None:
    result = fw("show", "badarg.json", "--debug", cwd=bad_dir)
    assert result.returncode == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("fastwarmup show: error: badarg.json")


def test_export_removes_its_file_when_it_fails(tmp_path: Path) -> None:
    result = fw("export", "OneCycleLR(0.1, 100)", "--steps", "500", "-o", tmp_path / "lr.npy")
    assert_one_line_error(result, "OneCycleLR(0.1, 100)", "--steps 100 at most")
    assert list(tmp_path.iterdir()) == []


# --- the expression parser (in-process: it must never evaluate) ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hacked')",
        "PolynomialDecay(0.1, open('/etc/passwd').read())",
        "PolynomialDecay(0.1, 10 ** 10 ** 10)",
        "PolynomialDecay(0.1, [x for x in range(3)])",
        "PolynomialDecay(0.1, decay_steps=(lambda: 5)())",
        "os.system('true')",
        "PolynomialDecay(*[0.1, 10])",
        "PolynomialDecay(**{'learning_rate': 0.1})",
        "lr.PolynomialDecay.__init__(0.1, 10)",
        "(PolynomialDecay(0.1, 10)).step()",
    ],
)
def test_expressions_allow_only_names_and_literals(text: str) -> None:
    with pytest.raises(SpecError, match=r"^expression"):
        parse_expression(text)


def test_expression_accepts_module_prefixes_and_negative_literals() -> None:
    node = parse_expression(
        "paddle.optimizer.lr.LinearWarmup(lr.PolynomialDecay(0.1, 10), "
        "warmup_steps=5, start_lr=-0.0, end_lr=+0.1)"
    )
    assert node.name == "LinearWarmup"
    assert node.args[0].name == "PolynomialDecay"
    assert node.kwargs["end_lr"] == 0.1
