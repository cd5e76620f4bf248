//! `ReduceOnPlateau`'s binding: its own `step(metrics, epoch=None)` (the `metrics` values are
//! read in `python::metric`).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::error::CoreError;
use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::{num_attribute, num_state, with_params, with_state};
use crate::python::convert;
use crate::python::metric::{metric_of, metric_to_py};
use crate::python::scheduler::{install, print_lines, PyLRScheduler};
use crate::schedule::Log;
use crate::schedules::plateau::PlateauArgs;
use crate::schedules::ReduceOnPlateau;

/// Reduce the learning rate when a metric stops improving, as
/// `paddle.optimizer.lr.ReduceOnPlateau`.
///
/// `step(metrics)` counts the steps without improvement, where improving means
/// `metrics < best - best * threshold` (`mode='min'`, `threshold_mode='rel'`),
/// `metrics < best - threshold` (`'abs'`), or `>` with `+` for `mode='max'`. After more than
/// `patience` of them, `lr = max(lr * factor, min_lr)` (kept only if it drops by more than
/// `epsilon`), then `cooldown` steps are ignored. `metrics` may be an int, a float, a NumPy
/// float32/float64 scalar, or a NumPy array or paddle Tensor of size 1; a float32 one is
/// compared in float32, as paddle does. The constructor does not step (`last_epoch` is 0).
/// `precompute(n)` returns the current value `n` times: what follows depends on metrics not
/// yet seen.
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "ReduceOnPlateau", module = "fastwarmup.lr")]
pub struct PyReduceOnPlateau;

fn plateau_attribute<R>(
    slf: &Bound<'_, PyReduceOnPlateau>,
    field: impl FnOnce(&ReduceOnPlateau) -> R,
) -> PyResult<R> {
    with_params(slf.as_super(), field)
}

fn num_field(
    slf: &Bound<'_, PyReduceOnPlateau>,
    field: impl FnOnce(&ReduceOnPlateau) -> Num,
) -> PyResult<Py<PyAny>> {
    num_attribute(slf.as_super(), field)
}

#[pymethods]
impl PyReduceOnPlateau {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, mode='min', factor=0.1, patience=10, threshold=0.0001, threshold_mode='rel', cooldown=0, min_lr=0, epsilon=1e-08, verbose=False)")]
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
            "ReduceOnPlateau",
            &[
                "learning_rate",
                "mode",
                "factor",
                "patience",
                "threshold",
                "threshold_mode",
                "cooldown",
                "min_lr",
                "epsilon",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let kernel = ReduceOnPlateau::new(&PlateauArgs {
            mode: a.name_or("mode", "min")?,
            factor: a.num_or("factor", Num::Float(0.1))?,
            threshold_mode: a.name_or("threshold_mode", "rel")?,
            learning_rate: a.num("learning_rate")?,
            patience: a.num_or("patience", Num::Int(10))?,
            threshold: a.num_or("threshold", Num::Float(1e-4))?,
            cooldown: a.num_or("cooldown", Num::Int(0))?,
            min_lr: a.num_or("min_lr", Num::Int(0))?,
            epsilon: a.num_or("epsilon", Num::Float(1e-8))?,
            verbose: a.flag("verbose")?,
        })?;
        // paddle's constructor does not step, and its step never calls get_lr.
        install(slf.as_super(), &a, Box::new(kernel), false)
    }

    /// Count a step with `metrics` and reduce the learning rate after `patience` steps
    /// without improvement; `last_epoch` advances by one, or is set to `epoch`.
    #[pyo3(signature = (metrics, epoch=None), text_signature = "($self, metrics, epoch=None)")]
    fn step(
        slf: &Bound<'_, Self>,
        metrics: &Bound<'_, PyAny>,
        epoch: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let epoch = convert::epoch(epoch)?;
        let metrics = metric_of(metrics, "metrics")?;
        let sched = slf.as_super();
        let mut log = Log::new();
        let verbose = sched.get().cell.update(|k| {
            let verbose = k.common().verbose;
            k.as_any_mut()
                .downcast_mut::<ReduceOnPlateau>()
                .ok_or_else(|| CoreError::runtime("scheduler used before __init__ completed"))?
                .step_metrics(metrics, epoch, &mut log)?;
            Ok(verbose)
        })?;
        print_lines(sched, &log, verbose)
    }

    /// `'min'` or `'max'`.
    #[getter]
    fn mode(slf: &Bound<'_, Self>) -> PyResult<&'static str> {
        plateau_attribute(slf, |k| k.mode.name())
    }
    /// `'rel'` or `'abs'`.
    #[getter]
    fn threshold_mode(slf: &Bound<'_, Self>) -> PyResult<&'static str> {
        plateau_attribute(slf, |k| k.threshold_mode.name())
    }
    #[getter]
    fn factor(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.factor)
    }
    #[getter]
    fn patience(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.patience)
    }
    #[getter]
    fn threshold(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.threshold)
    }
    #[getter]
    fn cooldown(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.cooldown)
    }
    #[getter]
    fn min_lr(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.min_lr)
    }
    #[getter]
    fn epsilon(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.epsilon)
    }
    /// Steps left to ignore after a reduction.
    #[getter]
    fn cooldown_counter(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_state(slf.as_super(), |k: &ReduceOnPlateau| k.cooldown_counter)
    }
    /// Steps without improvement so far.
    #[getter]
    fn num_bad_epochs(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_state(slf.as_super(), |k: &ReduceOnPlateau| k.num_bad_epochs)
    }
    /// The best metrics so far (`None` before the first step): a NumPy value keeps its type.
    #[getter]
    fn best(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let best = with_state(slf.as_super(), |k: &ReduceOnPlateau| k.best)?;
        metric_to_py(slf.py(), best)
    }
}
