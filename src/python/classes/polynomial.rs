//! `PolynomialDecay`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::classes::with_kernel;
use crate::python::convert;
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

    #[pyo3(signature = (learning_rate, decay_steps, end_lr=None, power=None, cycle=None, last_epoch=None, verbose=None))]
    #[allow(clippy::too_many_arguments)]
    fn __init__(
        slf: &Bound<'_, Self>,
        learning_rate: &Bound<'_, PyAny>,
        decay_steps: &Bound<'_, PyAny>,
        end_lr: Option<&Bound<'_, PyAny>>,
        power: Option<&Bound<'_, PyAny>>,
        cycle: Option<&Bound<'_, PyAny>>,
        last_epoch: Option<&Bound<'_, PyAny>>,
        verbose: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let (last_epoch, verbose) = convert::construction_state(last_epoch, verbose)?;
        let kernel = PolynomialDecay::new(
            convert::num(learning_rate, "learning_rate")?,
            convert::int(decay_steps, "decay_steps")?,
            end_lr.map_or(Ok(Num::Float(0.0001)), |v| convert::num(v, "end_lr"))?,
            power.map_or(Ok(Num::Float(1.0)), |v| convert::num(v, "power"))?,
            convert::flag(cycle)?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), Box::new(kernel))
    }

    #[getter]
    fn decay_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_kernel(slf.as_super(), |k: &PolynomialDecay| k.decay_steps)
    }
    #[getter]
    fn end_lr(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let v = with_kernel(slf.as_super(), |k: &PolynomialDecay| k.end_lr)?;
        Ok(convert::to_py(slf.py(), v))
    }
    #[getter]
    fn power(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let v = with_kernel(slf.as_super(), |k: &PolynomialDecay| k.power)?;
        Ok(convert::to_py(slf.py(), v))
    }
    #[getter]
    fn cycle(slf: &Bound<'_, Self>) -> PyResult<bool> {
        with_kernel(slf.as_super(), |k: &PolynomialDecay| k.cycle)
    }
}
