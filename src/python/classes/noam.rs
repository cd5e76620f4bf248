//! `NoamDecay`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::classes::num_attribute;
use crate::python::convert;
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::NoamDecay;

/// Noam decay ("Attention Is All You Need"), as `paddle.optimizer.lr.NoamDecay`.
///
/// `lr = base_lr * d_model ** -0.5 * min(epoch ** -0.5, warmup_steps ** -1.5 * epoch)`, with
/// `epoch ** -0.5` taken as 1 at epoch 0. Negative epochs raise `ValueError`.
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "NoamDecay", module = "fastwarmup.lr")]
pub struct PyNoamDecay;

#[pymethods]
impl PyNoamDecay {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(d_model, warmup_steps, learning_rate=1.0, last_epoch=-1, verbose=False)")]
    fn __new__(
        _args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyClassInitializer<Self> {
        PyClassInitializer::from(PyLRScheduler::placeholder()).add_subclass(Self)
    }

    #[pyo3(signature = (d_model, warmup_steps, learning_rate=None, last_epoch=-1, verbose=false))]
    fn __init__(
        slf: &Bound<'_, Self>,
        d_model: &Bound<'_, PyAny>,
        warmup_steps: &Bound<'_, PyAny>,
        learning_rate: Option<&Bound<'_, PyAny>>,
        last_epoch: i64,
        verbose: bool,
    ) -> PyResult<()> {
        let kernel = NoamDecay::new(
            convert::num(d_model, "d_model")?,
            convert::num(warmup_steps, "warmup_steps")?,
            convert::num_or(learning_rate, "learning_rate", Num::Float(1.0))?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), Box::new(kernel))
    }

    #[getter]
    fn d_model(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &NoamDecay| k.d_model)
    }
    #[getter]
    fn warmup_steps(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &NoamDecay| k.warmup_steps)
    }
}
