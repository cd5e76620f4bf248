//! `CosineAnnealingWarmRestarts`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::{num_attribute, num_state, with_params, with_state};
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::CosineAnnealingWarmRestarts;

/// Cosine annealing with warm restarts (SGDR), as
/// `paddle.optimizer.lr.CosineAnnealingWarmRestarts`.
///
/// `lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2`, where `T_cur`
/// counts epochs since the last restart and `T_i` is the current cycle's length (`T_0`, times
/// `T_mult` at each restart). `step()` adds one to `T_cur`; `step(epoch)` recomputes both from
/// `epoch` as paddle does. `state_dict()` also saves `T_cur` and `T_i` (paddle omits them);
/// a dict without them (paddle's) rebuilds them from `last_epoch` as `step()` from epoch 0
/// reaches it, so a resumed schedule continues exactly.
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "CosineAnnealingWarmRestarts", module = "fastwarmup.lr")]
pub struct PyCosineAnnealingWarmRestarts;

#[pymethods]
impl PyCosineAnnealingWarmRestarts {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, T_0, T_mult=1, eta_min=0, last_epoch=-1, verbose=False)")]
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
            "CosineAnnealingWarmRestarts",
            &[
                "learning_rate",
                "T_0",
                "T_mult",
                "eta_min",
                "last_epoch",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        let kernel = CosineAnnealingWarmRestarts::new(
            a.num("learning_rate")?,
            a.num("T_0")?,
            a.num_or("T_mult", Num::Int(1))?,
            a.num_or("eta_min", Num::Int(0))?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    #[getter(T_0)]
    fn t_0(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_params(slf.as_super(), |k: &CosineAnnealingWarmRestarts| k.t_0)
    }
    #[getter(T_mult)]
    fn t_mult(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_params(slf.as_super(), |k: &CosineAnnealingWarmRestarts| k.t_mult)
    }
    #[getter(T_i)]
    fn t_i(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_state(slf.as_super(), |k: &CosineAnnealingWarmRestarts| k.t_i)
    }
    /// Epochs since the last restart: an int, or a float after `step(epoch)` with `T_mult > 1`.
    #[getter(T_cur)]
    fn t_cur(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_state(slf.as_super(), |k: &CosineAnnealingWarmRestarts| k.t_cur)
    }
    #[getter]
    fn eta_min(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &CosineAnnealingWarmRestarts| k.eta_min)
    }
}
