//! PaddleOCR's `OneCycleDecay`'s binding.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyString, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::{num_attribute, with_params};
use crate::python::convert;
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::{Anneal, OneCycleDecay, OneCycleDecayArgs};

/// The one-cycle policy, as PaddleOCR's `ppocr.optimizer.lr_scheduler.OneCycleDecay`.
///
/// `total_steps = epochs * steps_per_epoch`; `initial_lr = max_lr / div_factor`,
/// `min_lr = initial_lr / final_div_factor`. Phases (`_schedule_phases`): up from
/// `initial_lr` to `max_lr` until step `float(pct_start * total_steps) - 1`, then down to
/// `min_lr` until step `total_steps - 1` (`three_phase`: down to `initial_lr` until step
/// `float(2 * pct_start * total_steps) - 2` first, then to `min_lr`). A step falls in the
/// first phase whose `end_step` it does not pass (the last phase beyond); with `start_step`
/// the previous phase's `end_step` (0 for the first),
/// `pct = (step - start_step) / (end_step - start_step)` and
/// `lr = end + (start - end) / 2.0 * (cos(pi * pct) + 1)` (`'cos'`) or
/// `lr = (end - start) * pct + start` (`'linear'`). Stepping past `total_steps` raises
/// `ValueError` (and so does `precompute` reaching it); a step in a phase of length 0.0
/// raises `ZeroDivisionError`, as in PaddleOCR.
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "OneCycleDecay", module = "fastwarmup.ocr")]
pub struct PyOneCycleDecay;

/// `epochs` / `steps_per_epoch`: PaddleOCR's `x <= 0 or not isinstance(x, int)` check is a
/// `ValueError` for a float; `None` (the default) and other types cannot be compared
/// (`TypeError`).
fn count(a: &Args<'_>, name: &str) -> PyResult<i64> {
    let Some(obj) = a.optional(name)?.filter(|v| !v.is_none()) else {
        return Err(PyTypeError::new_err(format!(
            "OneCycleDecay() needs {name}: a positive int, got None"
        )));
    };
    if obj.is_instance_of::<PyFloat>() {
        return Err(PyValueError::new_err(format!(
            "{name} must be a positive integer, got {}",
            convert::describe(obj)
        )));
    }
    convert::int(obj, name)
}

/// `pct_start`: PaddleOCR requires a Python float (`isinstance(pct_start, float)`, a
/// `ValueError` otherwise); something that is not a number at all is a `TypeError`.
fn pct_start(a: &Args<'_>) -> PyResult<f64> {
    let Some(obj) = a.optional("pct_start")? else {
        return Ok(0.3);
    };
    if obj.is_instance_of::<PyFloat>() {
        return obj.extract::<f64>();
    }
    if convert::num(obj, "pct_start").is_ok() || obj.hasattr("__float__")? {
        return Err(PyValueError::new_err(format!(
            "pct_start must be a float between 0 and 1, got {}",
            convert::describe(obj)
        )));
    }
    Err(PyTypeError::new_err(format!(
        "pct_start must be a float, got {}",
        convert::describe(obj)
    )))
}

/// `anneal_strategy`: a known name, or how anything else shows (refused by the kernel in
/// PaddleOCR's order). PaddleOCR tests membership with `==`, so a str subclass is known too.
fn anneal_strategy(a: &Args<'_>) -> PyResult<Result<Anneal, String>> {
    let Some(obj) = a.optional("anneal_strategy")? else {
        return Ok(Ok(Anneal::Cos));
    };
    let known = match obj.cast::<PyString>() {
        Ok(name) => Anneal::from_name(name.to_str()?),
        Err(_) => None,
    };
    match known {
        Some(anneal) => Ok(Ok(anneal)),
        None => Ok(Err(obj.repr()?.to_string())),
    }
}

#[pymethods]
impl PyOneCycleDecay {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(max_lr, epochs=None, steps_per_epoch=None, pct_start=0.3, anneal_strategy='cos', div_factor=25.0, final_div_factor=10000.0, three_phase=False, last_epoch=-1, verbose=False)")]
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
            "OneCycleDecay",
            &[
                "max_lr",
                "epochs",
                "steps_per_epoch",
                "pct_start",
                "anneal_strategy",
                "div_factor",
                "final_div_factor",
                "three_phase",
                "last_epoch",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        // PaddleOCR's order: the counts, the divisions, pct_start, anneal_strategy.
        let args = OneCycleDecayArgs {
            epochs: count(&a, "epochs")?,
            steps_per_epoch: count(&a, "steps_per_epoch")?,
            max_lr: a.num("max_lr")?,
            div_factor: a.num_or("div_factor", Num::Float(25.0))?,
            final_div_factor: a.num_or("final_div_factor", Num::Float(1e4))?,
            pct_start: pct_start(&a)?,
            anneal_strategy: anneal_strategy(&a)?,
            three_phase: a.flag("three_phase")?,
        };
        let kernel = OneCycleDecay::new(&args, last_epoch, verbose)?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    #[getter]
    fn total_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_params(slf.as_super(), |k: &OneCycleDecay| k.total_steps)
    }
    #[getter]
    fn max_lr(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &OneCycleDecay| k.max_lr)
    }
    #[getter]
    fn initial_lr(slf: &Bound<'_, Self>) -> PyResult<f64> {
        with_params(slf.as_super(), |k: &OneCycleDecay| k.initial_lr)
    }
    #[getter]
    fn min_lr(slf: &Bound<'_, Self>) -> PyResult<f64> {
        with_params(slf.as_super(), |k: &OneCycleDecay| k.min_lr)
    }
    /// PaddleOCR's phase table: a new list of `{"end_step", "start_lr", "end_lr"}` dicts.
    #[getter(_schedule_phases)]
    fn schedule_phases(slf: &Bound<'_, Self>) -> PyResult<Py<PyList>> {
        let py = slf.py();
        let phases = with_params(slf.as_super(), |k: &OneCycleDecay| k.phases.clone())?;
        let list = PyList::empty(py);
        for phase in phases {
            let entry = PyDict::new(py);
            entry.set_item("end_step", convert::to_py(py, phase.end_step))?;
            entry.set_item("start_lr", convert::to_py(py, phase.start_lr))?;
            entry.set_item("end_lr", convert::to_py(py, phase.end_lr))?;
            list.append(entry)?;
        }
        Ok(list.unbind())
    }
}
