"""``fastwarmup export``: the values to .npy, .csv or .parquet, streamed in chunks.

The values are those of ``precompute(steps)``, bit for bit: one copy of the schedule makes
each chunk with ``precompute`` and is then moved on exactly (see
:func:`fastwarmup.cli.schedule.chunks`), so memory stays at a chunk whatever the length.
CSV writes each lr as Python's ``repr`` of the float64 value (the shortest text that reads
back to the same bits; a float32 value is written as its exact float64 widening).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import os
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

import numpy as np

from fastwarmup.cli import schedule, show
from fastwarmup.cli.spec import Spec, fail, load

FORMATS = (".npy", ".csv", ".parquet")


def run(args: argparse.Namespace) -> int:
    output: str = args.output
    to_stdout = output == "-"
    extension = ".csv" if to_stdout else os.path.splitext(output)[1].lower()
    if extension not in FORMATS:
        fail(
            f"{output}: unknown file type {extension or '(none)'!r}: use .npy, .csv or .parquet "
            "(or - for CSV on stdout)"
        )
    dtype = np.float32 if args.dtype == "float32" else np.float64
    spec = load(args.spec, step_each_epoch=args.step_each_epoch, steps=args.steps)
    _check_total(spec)
    writer = {".npy": _npy, ".csv": _csv, ".parquet": _parquet}[extension]
    pyarrow = _pyarrow() if extension == ".parquet" else None
    started = time.perf_counter()
    show_bar = not args.quiet and not to_stdout and sys.stderr.isatty()
    with _progress(spec.steps, show_bar) as advance:
        if to_stdout:
            writer(sys.stdout.buffer, spec, dtype, args.chunk, advance, pyarrow)
            sys.stdout.flush()
        else:
            _write_file(output, writer, spec, dtype, args.chunk, advance, pyarrow)
    if not args.quiet and not to_stdout:
        size = os.path.getsize(output)
        elapsed = time.perf_counter() - started
        print(
            f"wrote {spec.steps:,} steps ({np.dtype(dtype).name}) to {output} "
            f"({_bytes(size)}) in {elapsed:.2f} s",
            file=sys.stderr,
        )
    return 0


def _check_total(spec: Spec) -> None:
    """A one-cycle schedule stepped past its total fails before anything is written."""
    probe = copy.deepcopy(schedule.as_scheduler(spec.scheduler))
    if type(probe).__name__ not in ("OneCycleLR", "OneCycleDecay", "LinearWarmup"):
        return
    try:
        schedule.advance(probe, spec.steps - 1, float("nan"))
        probe.precompute(1)
    except ValueError as error:
        show.past_total(spec, error)
        raise


def _write_file(output: str, writer: Any, *args: Any) -> None:
    directory = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(directory):
        fail(f"{output}: cannot write: no such directory {directory}")
    try:
        stream = open(output, "wb")
    except OSError as error:
        fail(f"{output}: cannot write: {error.strerror or error}")
    try:
        with stream:
            writer(stream, *args)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(output)
        raise


def _bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


@contextlib.contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Any]:
    """A function taking the steps just written: a tqdm bar on stderr when ``enabled`` and
    tqdm is installed, else nothing."""
    bar = None
    if enabled:
        try:
            from tqdm import tqdm
        except ImportError:
            bar = None
        else:
            bar = tqdm(total=total, unit="step", unit_scale=True, file=sys.stderr, leave=False)
    try:
        yield (bar.update if bar is not None else (lambda _n: None))
    finally:
        if bar is not None:
            bar.close()


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        fail("parquet needs pyarrow: pip install 'fastwarmup[parquet]' (or pip install pyarrow)")
    return pyarrow


def _npy(stream: IO[bytes], spec: Spec, dtype: Any, chunk: int, advance: Any, _: Any) -> None:
    header = {
        "descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
        "fortran_order": False,
        "shape": (spec.steps,),
    }
    np.lib.format.write_array_header_2_0(stream, header) if spec.steps >= 2**31 else (
        np.lib.format.write_array_header_1_0(stream, header)
    )
    for block in schedule.chunks(spec.scheduler, spec.steps, chunk, dtype):
        stream.write(np.ascontiguousarray(block).data)
        advance(len(block))


def _csv(stream: IO[bytes], spec: Spec, dtype: Any, chunk: int, advance: Any, _: Any) -> None:
    stream.write(b"step,lr\n")
    start = 0
    for block in schedule.chunks(spec.scheduler, spec.steps, chunk, dtype):
        rows = map("{},{!r}\n".format, range(start, start + len(block)), block.tolist())
        stream.write("".join(rows).encode("ascii"))
        start += len(block)
        advance(len(block))


def _parquet(stream: IO[bytes], spec: Spec, dtype: Any, chunk: int, advance: Any, pa: Any) -> None:
    schema = pa.schema([("step", pa.int64()), ("lr", pa.from_numpy_dtype(np.dtype(dtype)))])
    with pa.parquet.ParquetWriter(stream, schema) as writer:
        start = 0
        for block in schedule.chunks(spec.scheduler, spec.steps, chunk, dtype):
            steps = np.arange(start, start + len(block), dtype=np.int64)
            writer.write_table(
                pa.Table.from_arrays([pa.array(steps), pa.array(block)], schema=schema)
            )
            start += len(block)
            advance(len(block))
