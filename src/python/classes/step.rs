//! `StepDecay`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::classes::{num_attribute, with_kernel};
use crate::python::convert;
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

    #[pyo3(signature = (learning_rate, step_size, gamma=None, last_epoch=-1, verbose=false))]
    fn __init__(
        slf: &Bound<'_, Self>,
        learning_rate: &Bound<'_, PyAny>,
        step_size: &Bound<'_, PyAny>,
        gamma: Option<&Bound<'_, PyAny>>,
        last_epoch: i64,
        verbose: bool,
    ) -> PyResult<()> {
        let kernel = StepDecay::new(
            convert::num(learning_rate, "learning_rate")?,
            convert::int(step_size, "step_size")?,
            convert::num_or(gamma, "gamma", Num::Float(0.1))?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), Box::new(kernel))
    }

    #[getter]
    fn step_size(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_kernel(slf.as_super(), |k: &StepDecay| k.step_size)
    }
    #[getter]
    fn gamma(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &StepDecay| k.gamma)
    }
}
