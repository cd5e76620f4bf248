//! `CosineAnnealingDecay`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::{with_params, with_state};
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::CosineAnnealingDecay;

/// Cosine annealing, as `paddle.optimizer.lr.CosineAnnealingDecay`.
///
/// `step()` follows paddle's recurrence on the previous value:
/// `lr = (1 + cos(pi * epoch / T_max)) / (1 + cos(pi * (epoch - 1) / T_max)) * (last_lr - eta_min) + eta_min`
/// (`base_lr` at epoch 0; `last_lr + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2` where
/// `(epoch - 1 - T_max) % (2 * T_max) == 0`). `step(epoch)`, and so a `LinearWarmup` nest,
/// takes the closed form `lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2`.
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "CosineAnnealingDecay", module = "fastwarmup.lr")]
pub struct PyCosineAnnealingDecay;

#[pymethods]
impl PyCosineAnnealingDecay {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, T_max, eta_min=0, last_epoch=-1, verbose=False)")]
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
            "CosineAnnealingDecay",
            &["learning_rate", "T_max", "eta_min", "last_epoch", "verbose"],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        // paddle checks T_max and eta_min before learning_rate.
        let t_max = a.int("T_max")?;
        let eta_min = a.num_or("eta_min", Num::Int(0))?;
        let kernel = CosineAnnealingDecay::new(
            a.num("learning_rate")?,
            t_max,
            eta_min,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    /// paddle's closed form at `last_epoch` (what `step(epoch)` uses):
    /// `eta_min + (base_lr - eta_min) * (1 + cos(pi * last_epoch / T_max)) / 2`.
    fn _get_closed_form_lr(slf: &Bound<'_, Self>) -> PyResult<f64> {
        let value = with_state(slf.as_super(), |k: &CosineAnnealingDecay| {
            k.closed_form(crate::schedule::Kernel::common(k).last_epoch)
        })?;
        Ok(value?)
    }

    #[getter(T_max)]
    fn t_max(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_params(slf.as_super(), |k: &CosineAnnealingDecay| k.t_max)
    }
    #[getter]
    fn eta_min(slf: &Bound<'_, Self>) -> PyResult<f64> {
        with_params(slf.as_super(), |k: &CosineAnnealingDecay| k.eta_min)
    }
}
