//! `PolynomialDecay`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::{num_attribute, with_params};
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::PolynomialDecay;

/// Polynomial decay, as `paddle.optimizer.lr.PolynomialDecay`.
///
/// `lr = (base_lr - end_lr) * (1 - t / d) ** power + end_lr`, where without `cycle`
/// `t = min(epoch, decay_steps)` and `d = decay_steps`; with `cycle`, `t = epoch` and
/// `d = decay_steps * ceil(epoch / decay_steps)` (1 cycle at epoch 0).
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "PolynomialDecay", module = "fastwarmup.lr")]
pub struct PyPolynomialDecay;

#[pymethods]
impl PyPolynomialDecay {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, decay_steps, end_lr=0.0001, power=1.0, cycle=False, last_epoch=-1, verbose=False)")]
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
            "PolynomialDecay",
            &[
                "learning_rate",
                "decay_steps",
                "end_lr",
                "power",
                "cycle",
                "last_epoch",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        let kernel = PolynomialDecay::new(
            a.num("learning_rate")?,
            a.int("decay_steps")?,
            a.num_or("end_lr", Num::Float(0.0001))?,
            a.num_or("power", Num::Float(1.0))?,
            a.flag("cycle")?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    #[getter]
    fn decay_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_params(slf.as_super(), |k: &PolynomialDecay| k.decay_steps)
    }
    #[getter]
    fn end_lr(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &PolynomialDecay| k.end_lr)
    }
    #[getter]
    fn power(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &PolynomialDecay| k.power)
    }
    #[getter]
    fn cycle(slf: &Bound<'_, Self>) -> PyResult<bool> {
        with_params(slf.as_super(), |k: &PolynomialDecay| k.cycle)
    }
}
