//! `LinearWarmup`'s binding: its nested `learning_rate` object, and the nested state dict.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyTuple, PyType};
use pyo3::PyTraverseError;

use crate::nested::Nested;
use crate::python::args::Args;
use crate::python::classes::{num_attribute, steps_natively, with_params};
use crate::python::config;
use crate::python::convert;
use crate::python::foreign::PyForeign;
use crate::python::scheduler::{
    commit_state, construct, parse_state, state_dict_of, PyLRScheduler,
};
use crate::schedule::Kernel;
use crate::schedules::LinearWarmup;

/// Linear warm-up, then another schedule, as `paddle.optimizer.lr.LinearWarmup`.
///
/// `lr = start_lr + (end_lr - start_lr) * epoch / warmup_steps` while
/// `epoch < warmup_steps`; afterwards `learning_rate` itself if it is a number, or the nested
/// scheduler stepped to epoch `epoch - warmup_steps`. `learning_rate` may be a float, an int,
/// any fastwarmup scheduler (stepped in Rust), a Python subclass of `LRScheduler`, or any
/// object with paddle's scheduler protocol (a real paddle scheduler included).
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "LinearWarmup", module = "fastwarmup.lr")]
pub struct PyLinearWarmup {
    /// The `learning_rate` object as given (returned by the attribute, live).
    learning_rate: Mutex<Option<Py<PyAny>>>,
    /// Whether the kernel holds a second reference to it (a foreign scheduler), which the
    /// garbage collector must be told about.
    kernel_holds_nested: AtomicBool,
    /// After `__init__` is run again: the nested object the first lock-free step was built for.
    /// That step is retired but lives as long as this object (see `SchedCell::replace`) and
    /// still holds the nest's schedule, so the garbage collector is shown the nest as long.
    retired_nest: Mutex<Option<Py<PyAny>>>,
}

impl PyLinearWarmup {
    /// `__init__` run again replaces `previous`: keep it if the lock-free step built for it
    /// (retired by the new kernel) steps its schedule.
    fn keep_if_retired(&self, sched: &Bound<'_, PyLRScheduler>, previous: Py<PyAny>) {
        let py = sched.py();
        let stepped_by_plan = previous
            .bind(py)
            .cast::<PyLRScheduler>()
            .is_ok_and(|nest| sched.get().cell.plan_reaches(&nest.get().cell));
        if stepped_by_plan {
            if let Ok(mut slot) = self.retired_nest.lock() {
                slot.get_or_insert(previous);
            }
        }
    }

    fn nested_object(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.learning_rate
            .lock()
            .ok()
            .and_then(|g| g.as_ref().map(|o| o.clone_ref(py)))
    }
}

/// Whether `obj` has paddle's scheduler protocol (an instance, not a scheduler class).
fn is_scheduler_like(obj: &Bound<'_, PyAny>) -> bool {
    !obj.is_instance_of::<PyType>()
        && obj.is_callable()
        && ["step", "state_dict", "set_state_dict"]
            .iter()
            .all(|m| obj.getattr(*m).is_ok_and(|a| a.is_callable()))
}

/// The kernel-side view of a `learning_rate` object.
fn nested_of(obj: &Bound<'_, PyAny>) -> PyResult<Nested> {
    if obj.is_instance_of::<PyFloat>()
        || (obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>())
    {
        return Ok(Nested::Constant(convert::num(obj, "learning_rate")?));
    }
    if steps_natively(obj)? {
        let sched = obj.cast::<PyLRScheduler>()?;
        return Ok(Nested::Shared(sched.get().cell.clone()));
    }
    if is_scheduler_like(obj) {
        return Ok(Nested::Foreign(Box::new(PyForeign::new(obj)?)));
    }
    Err(PyTypeError::new_err(format!(
        "learning_rate must be an int, a float or a scheduler (a fastwarmup or paddle \
         LRScheduler, or any object with step(epoch), __call__(), state_dict() and \
         set_state_dict()), got {}",
        obj.get_type().name()?
    )))
}

/// Whether the nested `learning_rate` is a scheduler (saved under `LinearWarmup_LR`).
fn nested_scheduler(slf: &Bound<'_, PyLinearWarmup>) -> Option<Py<PyAny>> {
    let py = slf.py();
    slf.get().nested_object(py).filter(|o| {
        let o = o.bind(py);
        !(o.is_instance_of::<PyFloat>() || o.is_instance_of::<PyInt>())
    })
}

#[pymethods]
impl PyLinearWarmup {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, warmup_steps, start_lr, end_lr, last_epoch=-1, verbose=False)")]
    fn __new__(
        _args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyClassInitializer<Self> {
        PyClassInitializer::from(PyLRScheduler::placeholder()).add_subclass(Self {
            learning_rate: Mutex::new(None),
            kernel_holds_nested: AtomicBool::new(false),
            retired_nest: Mutex::new(None),
        })
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __init__(
        slf: &Bound<'_, Self>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let a = Args::bind(
            "LinearWarmup",
            &[
                "learning_rate",
                "warmup_steps",
                "start_lr",
                "end_lr",
                "last_epoch",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        let learning_rate = a.required("learning_rate")?;
        let nested = nested_of(learning_rate)?;
        let foreign = matches!(nested, Nested::Foreign(_));
        let kernel = LinearWarmup::new(
            nested,
            a.int("warmup_steps")?,
            a.num("start_lr")?,
            a.num("end_lr")?,
            last_epoch,
            verbose,
        )?;
        let this = slf.get();
        let previous = this
            .learning_rate
            .lock()
            .ok()
            .and_then(|mut slot| slot.replace(learning_rate.clone().unbind()));
        if let Some(previous) = previous {
            this.keep_if_retired(slf.as_super(), previous);
        }
        this.kernel_holds_nested.store(foreign, Ordering::Relaxed);
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    /// The nested object is the one reference a `LinearWarmup` holds to other Python objects
    /// (its kernel's foreign scheduler is the same object).
    #[allow(clippy::needless_pass_by_value)] // PyO3 fixes this signature.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Ok(slot) = self.learning_rate.try_lock() {
            visit.call(slot.as_ref())?;
            if self.kernel_holds_nested.load(Ordering::Relaxed) {
                visit.call(slot.as_ref())?;
            }
        }
        if let Ok(slot) = self.retired_nest.try_lock() {
            visit.call(slot.as_ref())?;
        }
        Ok(())
    }

    /// Break a reference cycle through the nested object (only called on unreachable objects).
    fn __clear__(slf: &Bound<'_, Self>) {
        if let Ok(mut slot) = slf.get().learning_rate.lock() {
            slot.take();
        }
        if let Ok(mut slot) = slf.get().retired_nest.lock() {
            slot.take();
        }
        slf.get()
            .kernel_holds_nested
            .store(false, Ordering::Relaxed);
        let _ = slf
            .as_super()
            .get()
            .set_kernel(Box::new(crate::schedules::Base::placeholder()), false);
    }

    /// The wrapped learning rate: the number or the nested scheduler object itself.
    #[getter]
    fn learning_rate(slf: &Bound<'_, Self>) -> Py<PyAny> {
        slf.get()
            .nested_object(slf.py())
            .unwrap_or_else(|| slf.py().None())
    }
    #[getter]
    fn warmup_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
        with_params(slf.as_super(), |k: &LinearWarmup| k.ramp.warmup_steps)
    }
    #[getter]
    fn start_lr(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &LinearWarmup| k.ramp.start_lr)
    }
    #[getter]
    fn end_lr(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_attribute(slf.as_super(), |k: &LinearWarmup| k.ramp.end_lr)
    }

    /// paddle's state dict, with the nested scheduler's under `LinearWarmup_LR`.
    fn state_dict<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyDict>> {
        let out = state_dict_of(slf.as_super())?;
        if let Some(nested) = nested_scheduler(slf) {
            out.set_item(
                "LinearWarmup_LR",
                nested.bind(slf.py()).call_method0("state_dict")?,
            )?;
        }
        Ok(out)
    }

    /// Load a state dict (from fastwarmup or paddle), the nested scheduler's included.
    /// Settings saved with it that differ from this scheduler's warn (`strict`: raise).
    #[pyo3(signature = (state_dict, *, strict=false))]
    fn set_state_dict(
        slf: &Bound<'_, Self>,
        state_dict: &Bound<'_, PyAny>,
        strict: bool,
    ) -> PyResult<()> {
        let checked = config::check_settings(slf.as_super(), state_dict, strict)?;
        let pending = parse_state(slf.as_super(), state_dict, &["LinearWarmup_LR"])?;
        if let Some(nested) = nested_scheduler(slf) {
            let Some(nested_state) = state_dict.get_item("LinearWarmup_LR").ok() else {
                return Err(PyRuntimeError::new_err(
                    "Please check whether state_dict is correct for optimizer. Can't find [ LinearWarmup_LR ] in state_dict",
                ));
            };
            let nested = nested.bind(slf.py());
            let nested_state = config::nested_state(&nested_state, checked)?;
            if strict && nested.is_instance_of::<PyLRScheduler>() {
                let kwargs = PyDict::new(slf.py());
                kwargs.set_item("strict", true)?;
                nested.call_method("set_state_dict", (nested_state,), Some(&kwargs))?;
            } else {
                nested.call_method1("set_state_dict", (nested_state,))?;
            }
        }
        commit_state(slf.as_super(), pending)
    }
}

/// The kernel for `new`, a copy of the `LinearWarmup` `original`. For a deep copy (`memo`),
/// the nested object is deep-copied through Python first (so cycles resolve to the copies);
/// for a shallow one it is shared. Either way it is wired into a copy of the kernel. `None`
/// when `original` is not a `LinearWarmup`.
pub(crate) fn copy_kernel(
    original: &Bound<'_, PyLRScheduler>,
    new: &Bound<'_, PyLRScheduler>,
    memo: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<Box<dyn Kernel>>> {
    let py = original.py();
    let (Ok(original), Ok(new)) = (
        original.cast::<PyLinearWarmup>(),
        new.cast::<PyLinearWarmup>(),
    ) else {
        return Ok(None);
    };
    let Some(nested) = original.get().nested_object(py) else {
        return Ok(None);
    };
    let copied = match memo {
        Some(memo) => py
            .import("copy")?
            .call_method1("deepcopy", (nested.bind(py), memo))?,
        None => nested.bind(py).clone(),
    };
    let wired = nested_of(&copied)?;
    let foreign = matches!(wired, Nested::Foreign(_));
    let kernel = original
        .as_super()
        .get()
        .cell
        .read(|k| {
            k.as_any()
                .downcast_ref::<LinearWarmup>()
                .map(|w| w.with_nested(wired))
        })?
        .ok_or_else(|| PyRuntimeError::new_err("LinearWarmup used before __init__ completed"))?;
    if let Ok(mut slot) = new.get().learning_rate.lock() {
        *slot = Some(copied.unbind());
    }
    new.get()
        .kernel_holds_nested
        .store(foreign, Ordering::Relaxed);
    Ok(Some(Box::new(kernel)))
}
