//! `OneCycleLR`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::with_params;
use crate::python::convert;
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::{Anneal, OneCycleArgs, OneCycleLR};

/// The one-cycle policy, as `paddle.optimizer.lr.OneCycleLR`.
///
/// From `initial_lr = max_learning_rate / divide_factor` up to `max_learning_rate` over the
/// first `phase_pct` of `total_steps`, then down to `end_learning_rate` (with `three_phase`:
/// back to `initial_lr` over as many steps, then down to `end_learning_rate`). In phase `i`,
/// `pct = (epoch - _step_config[i]) / _steps_size[i]` and
/// `lr = end + (start - end) / 2.0 * (cos(pi * pct) + 1)` (`'cos'`) or
/// `lr = (end - start) * pct + start` (`'linear'`), with `start, end = _lr_config[i], _lr_config[i + 1]`.
/// Stepping past `total_steps` raises `ValueError` (and so does `precompute` reaching it).
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "OneCycleLR", module = "fastwarmup.lr")]
pub struct PyOneCycleLR;

/// `anneal_strategy` as given: a known name, or how anything else prints (the kernel refuses
/// it in paddle's order, after the other checks). paddle compares with `==`, so a str subclass
/// with the right value is known too.
fn anneal_strategy(obj: &Bound<'_, PyAny>) -> PyResult<Result<Anneal, String>> {
    let known = match obj.cast::<PyString>() {
        Ok(name) => Anneal::from_name(name.to_str()?),
        Err(_) => None,
    };
    match known {
        Some(anneal) => Ok(Ok(anneal)),
        None => Ok(Err(obj.str()?.to_string())),
    }
}

fn py_list(py: Python<'_>, values: Vec<Num>) -> PyResult<Py<PyList>> {
    let items = values.into_iter().map(|v| convert::to_py(py, v));
    Ok(PyList::new(py, items)?.unbind())
}

#[pymethods]
impl PyOneCycleLR {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(max_learning_rate, total_steps, divide_factor=25.0, end_learning_rate=0.0001, phase_pct=0.3, anneal_strategy='cos', three_phase=False, last_epoch=-1, verbose=False)")]
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
            "OneCycleLR",
            &[
                "max_learning_rate",
                "total_steps",
                "divide_factor",
                "end_learning_rate",
                "phase_pct",
                "anneal_strategy",
                "three_phase",
                "last_epoch",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        let args = OneCycleArgs {
            max_learning_rate: a.num("max_learning_rate")?,
            total_steps: a.int("total_steps")?,
            divide_factor: a.num_or("divide_factor", Num::Float(25.0))?,
            end_learning_rate: a.num_or("end_learning_rate", Num::Float(0.0001))?,
            phase_pct: a
                .optional("phase_pct")?
                .map_or(Ok(0.3), |v| convert::float(v, "phase_pct"))?,
            anneal_strategy: a
                .optional("anneal_strategy")?
                .map_or(Ok(Ok(Anneal::Cos)), anneal_strategy)?,
            three_phase: a.flag("three_phase")?,
        };
        let kernel = OneCycleLR::new(&args, last_epoch, verbose)?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    #[getter]
    fn total_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_params(slf.as_super(), |k: &OneCycleLR| k.total_steps)
    }
    /// paddle's table of phase boundaries (start epochs, then the last phase's end twice).
    #[getter(_step_config)]
    fn step_config(slf: &Bound<'_, Self>) -> PyResult<Py<PyList>> {
        let v = with_params(slf.as_super(), |k: &OneCycleLR| k.step_config.clone())?;
        py_list(slf.py(), v)
    }
    /// paddle's table of phase lengths (the last one twice).
    #[getter(_steps_size)]
    fn steps_size(slf: &Bound<'_, Self>) -> PyResult<Py<PyList>> {
        let v = with_params(slf.as_super(), |k: &OneCycleLR| k.steps_size.clone())?;
        py_list(slf.py(), v)
    }
    /// paddle's table of phase start values, then the final value.
    #[getter(_lr_config)]
    fn lr_config(slf: &Bound<'_, Self>) -> PyResult<Py<PyList>> {
        let v = with_params(slf.as_super(), |k: &OneCycleLR| k.lr_config.clone())?;
        py_list(slf.py(), v)
    }
}
