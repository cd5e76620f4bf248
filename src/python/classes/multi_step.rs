//! `MultiStepDecay`'s binding.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::{num_attribute, with_params};
use crate::python::convert;
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::MultiStepDecay;

/// Decay by `gamma` at each milestone, as `paddle.optimizer.lr.MultiStepDecay`.
///
/// `lr = base_lr * gamma ** i`, where `i` is the number of milestones at or below `epoch`.
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "MultiStepDecay", module = "fastwarmup.lr")]
pub struct PyMultiStepDecay;

#[pymethods]
impl PyMultiStepDecay {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, milestones, gamma=0.1, last_epoch=-1, verbose=False)")]
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
            "MultiStepDecay",
            &[
                "learning_rate",
                "milestones",
                "gamma",
                "last_epoch",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        let milestones = a.required("milestones")?;
        if !(milestones.is_instance_of::<PyList>() || milestones.is_instance_of::<PyTuple>()) {
            return Err(PyTypeError::new_err(format!(
                "milestones must be a tuple or a list, got {}",
                milestones.get_type().name()?
            )));
        }
        let kernel = MultiStepDecay::new(
            a.num("learning_rate")?,
            convert::num_sequence(milestones, "milestones")?,
            a.num_or("gamma", Num::Float(0.1))?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    #[getter]
    fn milestones(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        with_params(slf.as_super(), |k: &MultiStepDecay| {
            convert::sequence_to_py(slf.py(), k.milestones())
        })?
    }
    #[getter]
    fn gamma(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &MultiStepDecay| k.gamma)
    }
}
