//! `LinearLR`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::num_attribute;
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::LinearLR;

/// A linear ramp of the factor on `learning_rate`, as `paddle.optimizer.lr.LinearLR`.
///
/// `lr = base_lr * start_factor` at epoch 0, then paddle's recurrence on the previous value
/// `lr = last_lr * (1.0 + (end_factor - start_factor) / (total_steps * start_factor + (epoch - 1) * (end_factor - start_factor)))`
/// up to `total_steps`, and `last_lr` unchanged afterwards. `step(epoch)` applies the same
/// recurrence at `epoch` (paddle has no closed form for it).
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "LinearLR", module = "fastwarmup.lr")]
pub struct PyLinearLR;

#[pymethods]
impl PyLinearLR {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, total_steps, start_factor=0.3333333333333333, end_factor=1.0, last_epoch=-1, verbose=False)")]
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
            "LinearLR",
            &[
                "learning_rate",
                "total_steps",
                "start_factor",
                "end_factor",
                "last_epoch",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        let kernel = LinearLR::new(
            a.num("learning_rate")?,
            a.num("total_steps")?,
            a.num_or("start_factor", Num::Float(1.0 / 3.0))?,
            a.num_or("end_factor", Num::Float(1.0))?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    #[getter]
    fn total_steps(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &LinearLR| k.total_steps)
    }
    #[getter]
    fn start_factor(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &LinearLR| k.start_factor)
    }
    #[getter]
    fn end_factor(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &LinearLR| k.end_factor)
    }
}
