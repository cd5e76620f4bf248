//! `NoamDecay`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::num_attribute;
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

    #[pyo3(signature = (*args, **kwargs))]
    fn __init__(
        slf: &Bound<'_, Self>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let a = Args::bind(
            "NoamDecay",
            &[
                "d_model",
                "warmup_steps",
                "learning_rate",
                "last_epoch",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        let kernel = NoamDecay::new(
            a.num("d_model")?,
            a.num("warmup_steps")?,
            a.num_or("learning_rate", Num::Float(1.0))?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), &a, Box::new(kernel))
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
