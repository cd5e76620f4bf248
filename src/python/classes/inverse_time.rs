//! `InverseTimeDecay`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::python::classes::num_attribute;
use crate::python::convert;
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::InverseTimeDecay;

/// Inverse-time decay, as `paddle.optimizer.lr.InverseTimeDecay`.
///
/// `lr = base_lr / (1 + gamma * epoch)` (`ZeroDivisionError` where the denominator is 0).
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "InverseTimeDecay", module = "fastwarmup.lr")]
pub struct PyInverseTimeDecay;

#[pymethods]
impl PyInverseTimeDecay {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, gamma, last_epoch=-1, verbose=False)")]
    fn __new__(
        _args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyClassInitializer<Self> {
        PyClassInitializer::from(PyLRScheduler::placeholder()).add_subclass(Self)
    }

    #[pyo3(signature = (learning_rate, gamma, last_epoch=-1, verbose=false))]
    fn __init__(
        slf: &Bound<'_, Self>,
        learning_rate: &Bound<'_, PyAny>,
        gamma: &Bound<'_, PyAny>,
        last_epoch: i64,
        verbose: bool,
    ) -> PyResult<()> {
        let kernel = InverseTimeDecay::new(
            convert::num(learning_rate, "learning_rate")?,
            convert::num(gamma, "gamma")?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), Box::new(kernel))
    }

    #[getter]
    fn gamma(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &InverseTimeDecay| k.gamma)
    }
}
