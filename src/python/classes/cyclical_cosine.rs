//! PaddleOCR's `CyclicalCosineDecay`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::num_attribute;
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::CyclicalCosineDecay;

/// Cyclical cosine decay, as PaddleOCR's `ppocr.optimizer.lr_scheduler.CyclicalCosineDecay`.
///
/// `lr = eta_min + 0.5 * (base_lr - eta_min) * (1 + cos(pi * (epoch % cycle) / cycle))`, and
/// `lr = base_lr` at epoch 0 (`%` is Python's). A cosine from `base_lr` down to `eta_min`,
/// restarted every `cycle` epochs. `T_max` is accepted and unused, as in PaddleOCR. Unlike
/// PaddleOCR's class (which fails with `AttributeError` for any `last_epoch` but -1), any
/// `last_epoch` works.
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "CyclicalCosineDecay", module = "fastwarmup.ocr")]
pub struct PyCyclicalCosineDecay;

#[pymethods]
impl PyCyclicalCosineDecay {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, T_max, cycle=1, last_epoch=-1, eta_min=0.0, verbose=False)")]
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
            "CyclicalCosineDecay",
            &[
                "learning_rate",
                "T_max",
                "cycle",
                "last_epoch",
                "eta_min",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        // PaddleOCR never reads T_max, but it is a required argument.
        a.required("T_max")?;
        let kernel = CyclicalCosineDecay::new(
            a.num("learning_rate")?,
            a.num_or("cycle", Num::Int(1))?,
            a.num_or("eta_min", Num::Float(0.0))?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    #[getter]
    fn cycle(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &CyclicalCosineDecay| k.cycle)
    }
    #[getter]
    fn eta_min(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &CyclicalCosineDecay| k.eta_min)
    }
}
