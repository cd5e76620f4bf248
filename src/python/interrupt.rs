//! Long bulk fills that honour Ctrl-C.
//!
//! CPython runs a signal's handler (raising `KeyboardInterrupt` for SIGINT) only when a thread
//! holding the GIL asks for it. A fill that runs without the GIL is therefore computed on a
//! thread of its own (which hands the chunks to rayon's workers) while the calling thread
//! waits for it in short slices, checking Python's signals between them; when a handler
//! raises, the fill is told to stop (it checks before each chunk of work), the calling thread
//! waits for it to stop (within a chunk: the fill may write into the caller's array), and the
//! exception propagates. A fill that calls Python (a user's function) holds the GIL and checks
//! the signals itself between chunks. The scheduler is never touched: fills read a private
//! copy.
//!
//! NumPy is imported before any of this: the `numpy` crate imports its C API on first use and
//! panics if that import raises, as it does when a signal arrives meanwhile.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use numpy::PyArray1;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::bulk::{Never, Stop};
use crate::error::CoreResult;
use crate::python::errors::carry;

/// Up to this much work (values times levels of nesting for a fill that steps), a fill takes
/// a few milliseconds: it runs from the calling thread, which saves the hand-over to another
/// thread (tens of microseconds).
pub(crate) const INLINE_WORK: usize = 1 << 16;

/// How long the calling thread waits for the fill between two checks of the signals.
const POLL: Duration = Duration::from_millis(5);

/// Python's pending signals (their handlers' exceptions), for a fill that holds the GIL.
pub(crate) struct PythonSignals;

impl Stop for PythonSignals {
    fn check(&self) -> CoreResult<()> {
        Python::attach(|py| py.check_signals().map_err(carry))
    }
}

/// Import NumPy and its C API (once), so that the arrays the bulk methods return cannot fail
/// to.
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

/// Run `work` (a fill that calls no Python and asks its `Stop` before each chunk) with the
/// GIL released: from the calling thread when `inline`, else on a scoped thread while this
/// one checks the signals. A signal whose handler raises stops the work and is returned once
/// the work has stopped.
pub(crate) fn run_detached<W>(py: Python<'_>, inline: bool, work: W) -> PyResult<()>
where
    W: FnOnce(&dyn Stop) -> CoreResult<()> + Send,
{
    if inline {
        return outcome(
            py.detach(|| catch_unwind(AssertUnwindSafe(|| work(&Never)))),
            None,
        );
    }
    let (worked, interrupted) = py.detach(|| {
        #[allow(clippy::redundant_closure_for_method_calls)] // higher-ranked `py`
        poll(work, || Python::attach(|py| py.check_signals()))
    });
    outcome(worked, interrupted)
}

/// `run_detached` for work that reads memory Python code could change (a caller's array):
/// the GIL stays held, so no other Python thread runs meanwhile; the work runs on a scoped
/// thread (its chunks on every core) while this one checks the signals.
pub(crate) fn run_holding_gil<W>(py: Python<'_>, inline: bool, work: W) -> PyResult<()>
where
    W: FnOnce(&dyn Stop) -> CoreResult<()> + Send,
{
    if inline {
        return outcome(catch_unwind(AssertUnwindSafe(|| work(&Never))), None);
    }
    let (worked, interrupted) = poll(work, || py.check_signals());
    outcome(worked, interrupted)
}

/// Run `work` on a scoped thread, calling `check` every `POLL` meanwhile; the first error of
/// `check` stops the work (which is waited for) and is returned beside its outcome.
fn poll<W>(
    work: W,
    check: impl Fn() -> PyResult<()>,
) -> (std::thread::Result<CoreResult<()>>, Option<PyErr>)
where
    W: FnOnce(&dyn Stop) -> CoreResult<()> + Send,
{
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (done, finished) = mpsc::sync_channel::<()>(1);
        let stop = &stop;
        let worker = scope.spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| work(stop)));
            // The receiver waits in the scope: the message is only a wake-up.
            let _ = done.send(());
            outcome
        });
        let mut interrupted: Option<PyErr> = None;
        while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(POLL) {
            if interrupted.is_none() {
                if let Err(err) = check() {
                    stop.store(true, Ordering::Relaxed);
                    interrupted = Some(err);
                }
            }
        }
        // A panic in the thread itself (outside `catch_unwind`) is the outer `Err`.
        let worked = worker.join().and_then(|caught| caught);
        (worked, interrupted)
    })
}

/// The result of a fill: the signal's exception first, then the work's own result; a panic
/// becomes a `RuntimeError`.
fn outcome(
    worked: std::thread::Result<CoreResult<()>>,
    interrupted: Option<PyErr>,
) -> PyResult<()> {
    if let Some(err) = interrupted {
        return Err(err);
    }
    match worked {
        Ok(result) => result.map_err(PyErr::from),
        Err(_) => Err(PyRuntimeError::new_err("a bulk fill failed: it panicked")),
    }
}
