"""The ``fastwarmup`` command: argument parsing, and one line for any error (exit status 2)."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import traceback
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from fastwarmup.cli.spec import DEFAULT_STEP_EACH_EPOCH, SpecError

PROG = "fastwarmup"

DESCRIPTION = """\
See, check and export a learning-rate schedule before training.

SPEC is a PaddleOCR training config (Global.epoch_num and Optimizer.lr), a fastwarmup
YAML/JSON spec ({name: LinearWarmup, warmup_steps: 100, ..., learning_rate: {name: ...}}),
or an expression such as 'LinearWarmup(PolynomialDecay(0.1, 1000, end_lr=0.0), 100, 0.0, 0.1)'
(read safely: scheduler names and literal arguments only). Without SPEC, a built-in
detection-shaped PaddleOCR config is used.
"""

EPILOG = """\
examples:
  fastwarmup show                                  the built-in example
  fastwarmup show configs/det/det_mv3_db.yml --step-each-epoch 125
  fastwarmup plot my.yml 'CosineAnnealingDecay(0.001, 50000)' -o lr.png --log
  fastwarmup check configs/**/*.yml                exit 1 when something is wrong
  fastwarmup export my.yml --steps 1000000 -o lr.npy

'fastwarmup COMMAND --help' describes each command."""


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _wrap(text: str) -> str:
    """Paragraphs filled to the help width (the formatter keeps line breaks as written)."""
    return "\n\n".join(textwrap.fill(p, 96) for p in text.split("\n\n"))


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=100)


def positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _common(parser: argparse.ArgumentParser, *, steps_help: str | None = None) -> None:
    parser.add_argument(
        "--step-each-epoch",
        type=positive_int,
        metavar="N",
        default=None,
        help=(
            "optimizer steps per epoch for PaddleOCR configs, i.e. len(train_loader): "
            f"training images / (batch_size_per_card x cards) (default {DEFAULT_STEP_EACH_EPOCH}); "
            "for other specs it sets the epoch axis"
        ),
    )
    parser.add_argument(
        "--steps",
        type=positive_int,
        metavar="N",
        default=None,
        help=steps_help
        or "run length in steps (default: epoch_num x step_each_epoch for PaddleOCR configs, "
        "the spec's 'steps', else a length that shows the whole schedule)",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")


def build_parser() -> argparse.ArgumentParser:
    from fastwarmup import __version__

    parser = _Parser(prog=PROG, description=DESCRIPTION, epilog=EPILOG, formatter_class=_Formatter)
    parser.add_argument("--version", action="version", version=f"fastwarmup {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    show = sub.add_parser(
        "show",
        help="the schedule as built, its phases, marked steps and a terminal plot",
        description=_wrap(
            "Print the schedule as built (class tree with its arguments), its total "
            "steps, a phase table (warmup, decay, constant, restart), the lr at marked steps "
            "(first, warm-up end, phase starts, last) and a plot drawn in the terminal."
        ),
        epilog="examples:\n  fastwarmup show\n"
        "  fastwarmup show configs/rec/rec_svtr.yml --step-each-epoch 400\n"
        "  fastwarmup show 'LinearWarmup(PolynomialDecay(0.1, 1000, end_lr=0.0), 100, 0.0, 0.1)'",
        formatter_class=_Formatter,
    )
    show.add_argument("spec", nargs="?", metavar="SPEC", help="default: the built-in example")
    _common(show)
    show.add_argument("--log", action="store_true", help="log-scale y axis for the terminal plot")
    show.add_argument("--no-plot", action="store_true", help="leave out the terminal plot")
    show.add_argument(
        "--width",
        type=positive_int,
        metavar="COLUMNS",
        default=None,
        help="plot width in characters (default: fits the terminal, at most 64)",
    )
    show.add_argument(
        "--height", type=positive_int, metavar="ROWS", default=12, help="plot height (default 12)"
    )

    plot = sub.add_parser(
        "plot",
        help="draw one or more schedules to a PNG or SVG (needs matplotlib)",
        description=_wrap(
            "Draw one or more schedules on one figure, one legend entry each, with "
            "phase boundaries marked. The format follows the file's extension (.png, .svg, .pdf). "
            "Needs matplotlib: pip install 'fastwarmup[plot]'."
        ),
        epilog="examples:\n  fastwarmup plot -o lr.png\n"
        "  fastwarmup plot det.yml rec.yml -o lr.svg --epochs --log\n"
        "  fastwarmup plot 'OneCycleLR(0.1, 5000)' --steps 5000 --size 1200x600 -o onecycle.png",
        formatter_class=_Formatter,
    )
    plot.add_argument("spec", nargs="*", metavar="SPEC", help="default: the built-in example")
    plot.add_argument("-o", "--output", required=True, metavar="FILE", help="the image to write")
    _common(plot)
    plot.add_argument("--log", action="store_true", help="log-scale y axis")
    plot.add_argument(
        "--epochs", action="store_true", help="x axis in epochs (steps / step_each_epoch)"
    )
    plot.add_argument(
        "--size",
        default="1000x560",
        metavar="WxH",
        help="image size in pixels (default 1000x560; SVG/PDF: the same size at 100 dpi)",
    )
    plot.add_argument("--title", default=None, help="figure title")

    check = sub.add_parser(
        "check",
        help="find mistakes in configs; exit 0 clean, 1 findings, 2 unusable input",
        description=_wrap(
            "Find the mistakes that cost a training run: lists of boundaries that do not "
            "fit their values, boundaries at or past the end of the run, a warm-up that rounds to "
            "zero steps or outlasts the run, numbers YAML reads as strings, keys the builder "
            "ignores, a jump where the warm-up hands over, a schedule that bottoms out early or "
            "never decays, a negative, NaN or zero lr where training happens, OneCycle stepped "
            "past its total, and values the builder refuses. One line per finding, "
            "'file:line: key: message [kind]'.\n\n"
            "exit status: 0 clean, 1 findings (a value the builder refuses included), 2 unusable "
            "input (a missing or unparsable file, something that is neither a config, a spec nor "
            "an expression, an unknown name in an expression)."
        ),
        epilog="examples:\n  fastwarmup check configs/det/*.yml --step-each-epoch 125\n"
        "  fastwarmup check my_spec.json",
        formatter_class=_Formatter,
    )
    check.add_argument("spec", nargs="*", metavar="SPEC", help="default: the built-in example")
    _common(check)
    check.add_argument("-q", "--quiet", action="store_true", help="no summary line")

    export = sub.add_parser(
        "export",
        help="write the values to .npy, .csv or .parquet, streamed in chunks",
        description=_wrap(
            "Write the schedule's values, equal to precompute() bit for bit: .npy, "
            ".csv (step,lr; each lr written so that it reads back exactly) or .parquet (columns "
            "step, lr; needs pyarrow). '-o -' writes CSV to stdout. Any length streams in "
            "chunks with bounded memory; a progress bar shows on a terminal (needs tqdm)."
        ),
        epilog="examples:\n  fastwarmup export my.yml --steps 100000000 --dtype float32 -o lr.npy\n"
        "  fastwarmup export 'StepDecay(0.1, 30)' --steps 100 -o - | head",
        formatter_class=_Formatter,
    )
    export.add_argument("spec", nargs="?", metavar="SPEC", help="default: the built-in example")
    export.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help=".npy, .csv, .parquet, or - for CSV on stdout",
    )
    _common(export)
    export.add_argument(
        "--dtype",
        choices=("float64", "float32"),
        default="float64",
        help="float64 (default) or float32 (the float64 values rounded to nearest)",
    )
    export.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    export.add_argument("--chunk", type=positive_int, default=1 << 20, help=argparse.SUPPRESS)
    return parser


def _run(command: str) -> Callable[[argparse.Namespace], int]:
    if command == "show":
        from fastwarmup.cli.show import run
    elif command == "plot":
        from fastwarmup.cli.plot import run
    elif command == "check":
        from fastwarmup.cli.check import run
    else:
        from fastwarmup.cli.export import run
    return run


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    args: Any = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return _run(args.command)(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (| head): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as error:
        if args.debug:
            traceback.print_exc()
        message = str(error).splitlines()[0] if str(error) else ""
        if isinstance(error, SpecError):
            line = message
        elif isinstance(error, OSError) and error.filename is not None:
            line = f"{error.filename}: {error.strerror or message}"
        else:
            line = f"{type(error).__name__}: {message}" if message else type(error).__name__
            if not args.debug:
                line += " (--debug shows where)"
        print(f"{PROG} {args.command}: error: {line}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
