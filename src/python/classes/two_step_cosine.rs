//! PaddleOCR's `TwoStepCosineDecay`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::{with_params, with_state};
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::TwoStepCosineDecay;

/// Two-period cosine annealing, as PaddleOCR's
/// `ppocr.optimizer.lr_scheduler.TwoStepCosineDecay`.
///
/// paddle's `CosineAnnealingDecay` with `T = T_max1` while `epoch <= T_max1`, `T = T_max2`
/// after. `step()` follows the recurrence on the previous value:
/// `lr = (1 + cos(pi * epoch / T)) / (1 + cos(pi * (epoch - 1) / T)) * (last_lr - eta_min) + eta_min`
/// (`base_lr` at epoch 0; `last_lr + (base_lr - eta_min) * (1 - cos(pi / T)) / 2` where
/// `(epoch - 1 - T) % (2 * T) == 0`). `step(epoch)`, and so a `LinearWarmup` nest, takes the
/// closed form `lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T)) / 2`. At
/// `epoch = T_max1 + 1` the recurrence changes period on a value of the first one, so stepped
/// values and the closed form differ from there on, as in PaddleOCR.
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "TwoStepCosineDecay", module = "fastwarmup.ocr")]
pub struct PyTwoStepCosineDecay;

#[pymethods]
impl PyTwoStepCosineDecay {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, T_max1, T_max2, eta_min=0, last_epoch=-1, verbose=False)")]
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
            "TwoStepCosineDecay",
            &[
                "learning_rate",
                "T_max1",
                "T_max2",
                "eta_min",
                "last_epoch",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        // PaddleOCR checks T_max1, T_max2 and eta_min before learning_rate.
        let t_max1 = a.int("T_max1")?;
        let t_max2 = a.int("T_max2")?;
        let eta_min = a.num_or("eta_min", Num::Int(0))?;
        let kernel = TwoStepCosineDecay::new(
            a.num("learning_rate")?,
            t_max1,
            t_max2,
            eta_min,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    /// PaddleOCR's closed form at `last_epoch` (what `step(epoch)` uses):
    /// `eta_min + (base_lr - eta_min) * (1 + cos(pi * last_epoch / T)) / 2`.
    fn _get_closed_form_lr(slf: &Bound<'_, Self>) -> PyResult<f64> {
        let value = with_state(slf.as_super(), |k: &TwoStepCosineDecay| {
            k.closed_form(crate::schedule::Kernel::common(k).last_epoch)
        })?;
        Ok(value?)
    }

    #[getter(T_max1)]
    fn t_max1(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_params(slf.as_super(), |k: &TwoStepCosineDecay| k.t_max1)
    }
    #[getter(T_max2)]
    fn t_max2(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_params(slf.as_super(), |k: &TwoStepCosineDecay| k.t_max2)
    }
    #[getter]
    fn eta_min(slf: &Bound<'_, Self>) -> PyResult<f64> {
        with_params(slf.as_super(), |k: &TwoStepCosineDecay| k.eta_min)
    }
}
