//! `CyclicLR`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::callback::callback_of;
use crate::python::classes::with_params;
use crate::python::convert;
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::cyclic::{exp_range_scale, triangular2_scale, CyclicArgs, ScaleFn};
use crate::schedules::CyclicLR;

/// The cyclic learning rate, as `paddle.optimizer.lr.CyclicLR`.
///
/// `cycle = 1 + epoch // cycle_size`, `pct = 1.0 + epoch / cycle_size - cycle`,
/// `f = pct / step_up_pct` while `pct <= step_up_pct`, else `(1 - pct) / (1 - step_up_pct)`;
/// `lr = base_lr + amplitude * f * scale_fn(x)`, where `cycle_size = step_size_up +
/// step_size_down`, `step_up_pct = step_size_up / cycle_size`, `amplitude = max_lr - base_lr`,
/// and `x` is `cycle` (a float; `scale_mode='cycle'`) or `epoch` (an int; `'iterations'`).
/// The built-in modes: `'triangular'` (`scale_fn = 1.0`), `'triangular2'`
/// (`1 / (2.0 ** (cycle - 1))`) and `'exp_range'` (`exp_gamma ** epoch`). A user's `scale_fn`
/// replaces them; its exceptions propagate and leave the scheduler unchanged, copies of the
/// scheduler (`copy.deepcopy`, `precompute`) share it; it may read the scheduler (`sched()`,
/// `last_epoch`), but stepping the scheduler from it raises `RuntimeError`.
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "CyclicLR", module = "fastwarmup.lr")]
pub struct PyCyclicLR;

fn float_attribute(
    slf: &Bound<'_, PyCyclicLR>,
    field: impl FnOnce(&CyclicLR) -> f64,
) -> PyResult<f64> {
    with_params(slf.as_super(), field)
}

/// What the `scale_fn` attribute returns: paddle's bound method of a built-in mode, by name,
/// or the user's function.
enum ScaleObject {
    Method(&'static str),
    User(Py<PyAny>),
}

#[pymethods]
impl PyCyclicLR {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(base_learning_rate, max_learning_rate, step_size_up, step_size_down=None, mode='triangular', exp_gamma=1.0, scale_fn=None, scale_mode='cycle', last_epoch=-1, verbose=False)")]
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
            "CyclicLR",
            &[
                "base_learning_rate",
                "max_learning_rate",
                "step_size_up",
                "step_size_down",
                "mode",
                "exp_gamma",
                "scale_fn",
                "scale_mode",
                "last_epoch",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        let kernel = CyclicLR::new(CyclicArgs {
            base_learning_rate: a.num("base_learning_rate")?,
            max_learning_rate: a.num("max_learning_rate")?,
            step_size_up: a.int("step_size_up")?,
            step_size_down: a
                .not_none("step_size_down")?
                .map(|v| convert::int(v, "step_size_down"))
                .transpose()?,
            mode: a.name_or("mode", "triangular")?,
            exp_gamma: a.float_or("exp_gamma", 1.0)?,
            scale_fn: a
                .not_none("scale_fn")?
                .map(|f| callback_of(f, "scale_fn", "CyclicLR"))
                .transpose()?,
            scale_mode: a.name_or("scale_mode", "cycle")?,
            last_epoch,
            verbose,
        })?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    /// `step_size_up + step_size_down`, a float.
    #[getter]
    fn cycle_size(slf: &Bound<'_, Self>) -> PyResult<f64> {
        float_attribute(slf, |k| k.cycle_size)
    }
    /// `step_size_up / cycle_size`.
    #[getter]
    fn step_up_pct(slf: &Bound<'_, Self>) -> PyResult<f64> {
        float_attribute(slf, |k| k.step_up_pct)
    }
    /// `float(max_learning_rate)`.
    #[getter]
    fn max_lr(slf: &Bound<'_, Self>) -> PyResult<f64> {
        float_attribute(slf, |k| k.max_lr)
    }
    /// `max_lr - base_learning_rate`.
    #[getter]
    fn amplitude(slf: &Bound<'_, Self>) -> PyResult<f64> {
        float_attribute(slf, |k| k.amplitude)
    }
    /// `exp_gamma`.
    #[getter]
    fn gamma(slf: &Bound<'_, Self>) -> PyResult<f64> {
        float_attribute(slf, |k| k.gamma)
    }
    /// `mode` as given.
    #[getter]
    fn mode(slf: &Bound<'_, Self>) -> PyResult<String> {
        with_params(slf.as_super(), |k: &CyclicLR| k.mode.clone())
    }
    /// `'cycle'` or `'iterations'` (the built-in modes set their own).
    #[getter]
    fn scale_mode(slf: &Bound<'_, Self>) -> PyResult<&'static str> {
        with_params(slf.as_super(), |k: &CyclicLR| k.scale_mode.name())
    }
    /// The user's `scale_fn`, or the bound method of the built-in mode.
    #[getter]
    fn scale_fn(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let scale = with_params(slf.as_super(), |k: &CyclicLR| match &k.scale_fn {
            ScaleFn::Triangular => ScaleObject::Method("_triangular_scale_fn"),
            ScaleFn::Triangular2 => ScaleObject::Method("_triangular2_scale_fn"),
            ScaleFn::ExpRange => ScaleObject::Method("_exp_range_scale_fn"),
            ScaleFn::User(_) => ScaleObject::User(slf.as_super().get().user_function(py)),
        })?;
        match scale {
            ScaleObject::Method(name) => Ok(slf.getattr(name)?.unbind()),
            ScaleObject::User(f) => Ok(f),
        }
    }

    /// `'triangular'`: `1.0`.
    fn _triangular_scale_fn(_slf: &Bound<'_, Self>, _x: &Bound<'_, PyAny>) -> f64 {
        1.0
    }
    /// `'triangular2'`: `1 / (2.0 ** (x - 1))`.
    fn _triangular2_scale_fn(slf: &Bound<'_, Self>, x: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let value = triangular2_scale(convert::num(x, "x")?)?;
        Ok(convert::to_py(slf.py(), value))
    }
    /// `'exp_range'`: `exp_gamma ** x`.
    fn _exp_range_scale_fn(slf: &Bound<'_, Self>, x: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let gamma = float_attribute(slf, |k| k.gamma)?;
        let value: Num = exp_range_scale(gamma, convert::num(x, "x")?)?;
        Ok(convert::to_py(slf.py(), value))
    }
}
