//! `_NoOp`: a PyO3 object whose `step()` and `__call__()` do nothing, with the same call shapes
//! as a scheduler's. The per-step benchmark measures it as the floor of what any PyO3 method
//! call costs, next to the floor of CPython's own builtin methods.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// A benchmark floor: `step(*args, **kwargs)` and `__call__()` that do nothing.
#[pyclass(frozen, name = "_NoOp", module = "fastwarmup._fastwarmup")]
pub struct NoOp;

// The methods do nothing on purpose: `self` is unused by design.
#[allow(clippy::unused_self)]
#[pymethods]
impl NoOp {
    #[new]
    fn new() -> Self {
        Self
    }

    /// Does nothing, with `LRScheduler.step`'s argument handling.
    #[pyo3(signature = (*_args, **_kwargs))]
    fn step(&self, _args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) {}

    /// Does nothing.
    fn __call__(&self) {}
}
