//! Long `precompute` calls that honour Ctrl-C.
//!
//! CPython runs a signal's handler (raising `KeyboardInterrupt` for SIGINT) only when a thread
//! holding the GIL asks for it. A fill that runs without the GIL is therefore computed on
//! rayon's workers while the calling thread waits for it in short slices, checking Python's
//! signals between them; when a handler raises, the workers are told to stop (they check
//! before each chunk of work), their values are dropped, and the exception propagates. A fill
//! that calls Python (a user's function) holds the GIL and checks the signals itself between
//! chunks. The scheduler is never touched: `precompute` fills from a private copy.
//!
//! NumPy is imported before any of this: the `numpy` crate imports its C API on first use and
//! panics if that import raises, as it does when a signal arrives meanwhile.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use numpy::PyArray1;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::error::CoreResult;
use crate::precompute::{self, Stop};
use crate::python::errors::carry;
use crate::schedule::Kernel;

/// Up to this many values, a fill over all cores takes a few milliseconds: it runs from the
/// calling thread, which saves the hand-over to a worker (tens of microseconds).
const INLINE_PARALLEL: usize = 1 << 18;

/// The same for a fill stepping a copy in order, counted in values times levels of nesting
/// (each step walks every level): tens of milliseconds at most.
const INLINE_SEQUENTIAL: usize = 1 << 16;

/// How long the calling thread waits for the workers between two checks of the signals.
const POLL: Duration = Duration::from_millis(5);

/// Python's pending signals (their handlers' exceptions), for a fill that holds the GIL.
pub(crate) struct PythonSignals;

impl Stop for PythonSignals {
    fn check(&self) -> CoreResult<()> {
        Python::attach(|py| py.check_signals().map_err(carry))
    }
}

/// The values, and how the fill ended; `Err` if it panicked.
type Outcome = std::thread::Result<(Vec<f64>, CoreResult<()>)>;

/// Values narrowed to float32 between two checks of the signals.
const NARROW_PIECE: usize = 1 << 20;

/// Import NumPy and its C API (once), so that the arrays `precompute` returns cannot fail to.
pub(crate) fn load_numpy(py: Python<'_>) -> PyResult<()> {
    static LOADED: AtomicBool = AtomicBool::new(false);
    if !LOADED.load(Ordering::Relaxed) {
        py.import("numpy")?;
        // With `numpy` imported, the crate finds its C API without running Python code.
        PyArray1::<f64>::zeros(py, 0, false);
        LOADED.store(true, Ordering::Relaxed);
    }
    Ok(())
}

/// `values` as float32, checking the signals between pieces.
pub(crate) fn narrow(py: Python<'_>, values: Vec<f64>) -> PyResult<Vec<f32>> {
    let mut out = Vec::new();
    out.try_reserve_exact(values.len()).map_err(|_| {
        PyValueError::new_err(format!("n={} is more than can be allocated", values.len()))
    })?;
    for piece in values.chunks(NARROW_PIECE) {
        if let Err(err) = py.check_signals() {
            free_aside((values, out));
            return Err(err);
        }
        out.extend(piece.iter().map(|v| *v as f32));
    }
    Ok(out)
}

/// Drop `value` on a thread of its own: unmapping a large table takes tens of milliseconds,
/// which an interrupted call need not wait for.
fn free_aside<T: Send + 'static>(value: T) {
    // If no thread can be started, the closure, and `value` with it, is dropped right here.
    let _ = std::thread::Builder::new()
        .name("fastwarmup-free".into())
        .spawn(move || drop(value));
}

/// `precompute::fill(kernel, out)` for a kernel that calls Python (the GIL held), into `out`
/// grown to `n` zeros from its reserved room, checking the signals between chunks.
pub(crate) fn fill_attached(
    kernel: Box<dyn Kernel>,
    mut out: Vec<f64>,
    n: usize,
) -> PyResult<Vec<f64>> {
    let filled = precompute::grow_zeroed(&mut out, n, &PythonSignals)
        .and_then(|()| precompute::fill_until(kernel, &mut out, &PythonSignals));
    match filled {
        Ok(()) => Ok(out),
        Err(err) => {
            free_aside(out);
            Err(err.into())
        }
    }
}

/// `precompute::fill(kernel, out)` for a kernel that calls no Python, into `out` grown to `n`
/// zeros from its reserved room (a large table takes a while to be touched too), with the
/// GIL released (other Python threads run meanwhile), stopped by a signal whose handler
/// raises.
pub(crate) fn fill_detached(
    py: Python<'_>,
    kernel: Box<dyn Kernel>,
    mut out: Vec<f64>,
    n: usize,
) -> PyResult<Vec<f64>> {
    let inline = if precompute::runs_in_parallel(kernel.as_ref()) {
        n <= INLINE_PARALLEL
    } else {
        n.saturating_mul(kernel.nesting_depth() + 1) <= INLINE_SEQUENTIAL
    };
    if inline {
        py.detach(|| {
            out.resize(n, 0.0);
            precompute::fill(kernel, &mut out)
        })?;
        return Ok(out);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let worker_stop = Arc::clone(&stop);
    let (sender, mut receiver) = mpsc::sync_channel::<Outcome>(1);
    rayon::spawn(move || {
        let outcome = catch_unwind(AssertUnwindSafe(move || {
            let stop = worker_stop.as_ref();
            let result = precompute::grow_zeroed(&mut out, n, stop)
                .and_then(|()| precompute::fill_until(kernel, &mut out, stop));
            (out, result)
        }));
        // The receiver is gone once the call was interrupted: the values are dropped here.
        let _ = sender.send(outcome);
    });
    loop {
        let (received, back) = py.detach(move || (receiver.recv_timeout(POLL), receiver));
        receiver = back;
        match received {
            Ok(Ok((out, result))) => return result.map(|()| out).map_err(PyErr::from),
            Err(RecvTimeoutError::Timeout) => {
                if let Err(err) = py.check_signals() {
                    // The workers stop within a chunk and free the table themselves (freeing
                    // a large one takes a while); a table sent meanwhile is freed aside.
                    stop.store(true, Ordering::Relaxed);
                    if let Ok(outcome) = receiver.try_recv() {
                        free_aside(outcome);
                    }
                    return Err(err);
                }
            }
            // A panic in the workers (caught there), or the worker gone without a word.
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "precompute failed: its worker thread stopped without a result",
                ))
            }
        }
    }
}
