//! `StepDecay`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::{num_attribute, with_params};
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::StepDecay;

/// Decay by `gamma` every `step_size` epochs, as `paddle.optimizer.lr.StepDecay`.
///
/// `lr = base_lr * gamma ** (epoch // step_size)`.
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "StepDecay", module = "fastwarmup.lr")]
pub struct PyStepDecay;

#[pymethods]
impl PyStepDecay {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, step_size, gamma=0.1, last_epoch=-1, verbose=False)")]
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
            "StepDecay",
            &[
                "learning_rate",
                "step_size",
                "gamma",
                "last_epoch",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        let kernel = StepDecay::new(
            a.num("learning_rate")?,
            a.int("step_size")?,
            a.num_or("gamma", Num::Float(0.1))?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    #[getter]
    fn step_size(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_params(slf.as_super(), |k: &StepDecay| k.step_size)
    }
    #[getter]
    fn gamma(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &StepDecay| k.gamma)
    }
}
