//! `LRScheduler`: the base class every fastwarmup scheduler (and a user's Python subclass)
//! derives from. It owns the shared kernel cell and implements paddle's methods on it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::gc::PyVisit;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};
use pyo3::PyTraverseError;

use crate::cell::SchedCell;
use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::bulk;
use crate::python::callback::PyCallback;
use crate::python::classes::{display_name, first_native_class, overrides};
use crate::python::config;
use crate::python::convert;
use crate::python::fast_step;
use crate::python::metric::{metric_of, metric_to_py};
use crate::python::pickle;
use crate::schedule::{base_step, Kernel, Log, StateValue};
use crate::schedules::Base;

/// Base class of all learning-rate schedulers, as `paddle.optimizer.lr.LRScheduler`.
///
/// `step()` advances `last_epoch` by one (or sets it to `epoch`) and recomputes `last_lr` with
/// `get_lr()`; `__call__()` returns `last_lr`. Subclass it in Python and override `get_lr()`
/// to define a schedule: attributes set before `super().__init__(learning_rate, last_epoch,
/// verbose)` are visible to `get_lr()` during the construction step.
#[pyclass(
    subclass,
    frozen,
    dict,
    weakref,
    name = "LRScheduler",
    module = "fastwarmup.lr"
)]
pub struct PyLRScheduler {
    pub(crate) cell: Arc<SchedCell>,
    /// Set at construction when the Python type overrides `get_lr` or `_get_closed_form_lr`:
    /// stepping then calls them, as paddle's `step` does.
    python_get_lr: AtomicBool,
    /// The user's function the kernel calls (`lr_lambda`, `scale_fn`), also held here for the
    /// garbage collector. `__traverse__` reads only this field: CPython can traverse an object
    /// before PyO3 has written its fields (a collection during the base type's allocation),
    /// and only a field whose all-zero bytes are a valid empty value is safe to read then.
    user_function: Mutex<Option<Py<PyAny>>>,
    /// The last `__init__` call, `(class name, {argument: value})`, which unpickling makes
    /// again (see `pickle`). Read by `__traverse__` too (it holds any nested scheduler).
    construction: Mutex<Option<Py<PyTuple>>>,
    /// Set while unpickling re-runs `__init__`: install the schedule but take no construction
    /// step (the state is loaded next).
    pub(crate) restoring: AtomicBool,
}

impl PyLRScheduler {
    /// The state between `__new__` and `__init__`.
    pub(crate) fn placeholder() -> Self {
        Self {
            cell: Arc::new(SchedCell::new(Box::new(Base::placeholder()))),
            python_get_lr: AtomicBool::new(false),
            user_function: Mutex::new(None),
            construction: Mutex::new(None),
            restoring: AtomicBool::new(false),
        }
    }

    /// The last `__init__` call (see `construction`).
    pub(crate) fn construction(&self, py: Python<'_>) -> Option<Py<PyTuple>> {
        let slot = self.construction.lock().ok()?;
        slot.as_ref().map(|c| c.clone_ref(py))
    }

    fn set_construction(&self, call: Option<Py<PyTuple>>) {
        if let Ok(mut slot) = self.construction.lock() {
            *slot = call;
        }
    }

    /// Install `kernel` in the cell (see `SchedCell::replace`) and note its user's function.
    pub(crate) fn set_kernel(&self, kernel: Box<dyn Kernel>, lock_free: bool) -> PyResult<()> {
        let function = kernel.callbacks().into_iter().find_map(|f| {
            let f = f.as_any().downcast_ref::<PyCallback>()?;
            Some(Python::attach(|py| f.0.clone_ref(py)))
        });
        self.cell.replace(kernel, lock_free)?;
        if let Ok(mut slot) = self.user_function.lock() {
            *slot = function;
        }
        Ok(())
    }

    /// The user's function the schedule calls (`lr_lambda`, `scale_fn`), or `None`. Read
    /// without the kernel's lock.
    pub(crate) fn user_function(&self, py: Python<'_>) -> Py<PyAny> {
        self.user_function
            .lock()
            .ok()
            .and_then(|slot| slot.as_ref().map(|f| f.clone_ref(py)))
            .unwrap_or_else(|| py.None())
    }

    /// Whether this object's schedule runs entirely in Rust.
    pub(crate) fn is_native(&self) -> bool {
        !self.python_get_lr.load(Ordering::Relaxed)
    }
}

/// The shared tail of every `__init__`: install the kernel, note whether the Python type
/// overrides `get_lr`, and take paddle's construction step through `self.step()` (unless
/// unpickling, which loads the state instead).
pub(crate) fn construct(
    slf: &Bound<'_, PyLRScheduler>,
    args: &Args<'_>,
    kernel: Box<dyn Kernel>,
) -> PyResult<()> {
    // A Python subclass defines the value itself if it overrides `get_lr` or paddle's
    // `_get_closed_form_lr` (used for explicit epochs).
    let overridden = overrides(&slf.get_type(), &["get_lr", "_get_closed_form_lr"])?;
    install(slf, args, kernel, overridden)?;
    if !slf.get().restoring.load(Ordering::Relaxed) {
        slf.call_method0("step")?;
    }
    Ok(())
}

/// Install `kernel` as this object's schedule, without a construction step (`construct`
/// takes one; `ReduceOnPlateau`, whose paddle constructor does not step, only installs).
/// `python_get_lr`: stepping calls the Python type's `get_lr` (and `_get_closed_form_lr`).
/// `args` are recorded for pickling.
pub(crate) fn install(
    slf: &Bound<'_, PyLRScheduler>,
    args: &Args<'_>,
    mut kernel: Box<dyn Kernel>,
    python_get_lr: bool,
) -> PyResult<()> {
    let py = slf.py();
    kernel.common_mut().display_name = display_name(&slf.get_type())?;
    let call = PyTuple::new(
        py,
        [
            args.function().into_pyobject(py)?.into_any(),
            args.as_keywords(py)?.into_any(),
        ],
    )?;
    let this = slf.get();
    this.set_kernel(kernel, !python_get_lr)?;
    this.python_get_lr.store(python_get_lr, Ordering::Relaxed);
    this.set_construction(Some(call.unbind()));
    Ok(())
}

/// Print the verbose lines of one call; with `own_verbose`, the last one is this object's and
/// names its Python type.
pub(crate) fn print_lines(
    slf: &Bound<'_, PyLRScheduler>,
    log: &Log,
    own_verbose: bool,
) -> PyResult<()> {
    let py = slf.py();
    let lines = log.lines();
    if lines.is_empty() {
        return Ok(());
    }
    let print = py.import("builtins")?.getattr("print")?;
    for (i, line) in lines.iter().enumerate() {
        let name = if own_verbose && i + 1 == lines.len() {
            slf.get_type().name()?.to_string()
        } else {
            line.class_name.to_string()
        };
        let lr = convert::to_py(py, line.lr);
        let text = format!(
            "Epoch {}: {} set learning rate to {}.",
            line.epoch,
            name,
            lr.bind(py).str()?
        );
        print.call1((text,))?;
    }
    Ok(())
}

/// Which `step` a `step` descriptor takes (see `fast_step`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StepRule {
    /// The instance's class's step (`CosineAnnealingWarmRestarts` and `ReduceOnPlateau` have
    /// their own).
    Class,
    /// paddle's `LRScheduler.step`, as `LRScheduler.step(s)` takes it for any `s`.
    Base,
}

/// `step(epoch)` after its argument is parsed (see `fast_step`, which binds it): lock-free where
/// the schedule allows, through a Python `get_lr` override where the type has one, else the
/// step `rule` names under the kernel's lock, printing the verbose lines.
pub(crate) fn step_epoch(
    slf: &Bound<'_, PyLRScheduler>,
    epoch: Option<i64>,
    rule: StepRule,
) -> PyResult<()> {
    let this = slf.get();
    if !this.is_native() {
        return python_step(slf, epoch);
    }
    if this.cell.step_lock_free(epoch).is_some() {
        return Ok(());
    }
    let mut log = Log::new();
    let own_verbose = this.cell.update(|k| {
        match rule {
            StepRule::Class => k.step(epoch, &mut log)?,
            StepRule::Base => base_step(k, epoch, &mut log)?,
        }
        Ok(k.common().verbose)
    })?;
    if log.lines().is_empty() {
        Ok(())
    } else {
        print_lines(slf, &log, own_verbose)
    }
}

/// `step` for a Python subclass that overrides `get_lr`: paddle's `LRScheduler.step`, calling
/// back into Python; a raising `get_lr` leaves the scheduler as it was.
fn python_step(slf: &Bound<'_, PyLRScheduler>, epoch: Option<i64>) -> PyResult<()> {
    let cell = &slf.get().cell;
    let (saved, saved_extra) = cell.read(|k| (k.common().clone(), k.extra_state()))?;
    let closed_form = cell.update(|k| k.advance(epoch))?;
    let value = if closed_form && slf.hasattr("_get_closed_form_lr")? {
        slf.call_method0("_get_closed_form_lr")
    } else {
        slf.call_method0("get_lr")
    }
    .and_then(|v| convert::lr_value(&v, "get_lr()"));
    match value {
        Ok(lr) => {
            cell.update(|k| {
                k.common_mut().last_lr = lr;
                Ok(())
            })?;
            if saved.verbose {
                let mut log = Log::new();
                let common = cell.read(|k| k.common().clone())?;
                log.emit("LRScheduler", &common);
                print_lines(slf, &log, true)?;
            }
            Ok(())
        }
        Err(err) => {
            cell.update(|k| {
                *k.common_mut() = saved;
                k.load_extra_state(&saved_extra)
            })?;
            Err(err)
        }
    }
}

pub(crate) fn state_to_py(py: Python<'_>, value: &StateValue) -> PyResult<Py<PyAny>> {
    Ok(match value {
        StateValue::Int(i) => convert::to_py(py, Num::Int(*i)),
        StateValue::Num(n) | StateValue::OptNum(Some(n)) => convert::to_py(py, *n),
        StateValue::OptNum(None) => py.None(),
        StateValue::Metric(metric) => metric_to_py(py, *metric)?,
    })
}

/// The keys of `state_dict()`: what `self.state_keys()` leaves in `self.keys`.
fn state_keys_of(slf: &Bound<'_, PyLRScheduler>) -> PyResult<Vec<String>> {
    slf.call_method0("state_keys")?;
    slf.getattr("keys")?.extract::<Vec<String>>()
}

/// paddle's `state_dict()` over this object's keys (a `LinearWarmup` adds `LinearWarmup_LR`).
pub(crate) fn state_dict_of<'py>(slf: &Bound<'py, PyLRScheduler>) -> PyResult<Bound<'py, PyDict>> {
    let py = slf.py();
    let keys = state_keys_of(slf)?;
    let (last_epoch, last_lr, extra) = slf.get().cell.saved_state()?;
    let own_dict = slf.getattr("__dict__")?;
    let out = PyDict::new(py);
    for key in &keys {
        let value = match key.as_str() {
            "last_epoch" => convert::to_py(py, Num::Int(last_epoch)),
            "last_lr" => convert::to_py(py, last_lr),
            other => match extra.iter().find(|(name, _)| *name == other) {
                Some((_, v)) => state_to_py(py, v)?,
                None => match own_dict.get_item(other) {
                    Ok(v) => v.unbind(),
                    Err(_) => continue,
                },
            },
        };
        out.set_item(key, value)?;
    }
    // fastwarmup's own additions (paddle ignores them with a warning).
    for (name, v) in &extra {
        if !keys.iter().any(|k| k == name) {
            out.set_item(*name, state_to_py(py, v)?)?;
        }
    }
    config::record_settings(slf, &out)?;
    Ok(out)
}

/// Parsed, validated own entries of a state dict, ready to commit.
pub(crate) struct PendingState {
    last_epoch: i64,
    last_lr: Num,
    extra: Vec<(&'static str, StateValue)>,
    attributes: Vec<(String, Py<PyAny>)>,
}

/// Validate `state` against this object's keys without changing anything. `also_used` names
/// keys a subclass consumes itself (`LinearWarmup_LR`).
pub(crate) fn parse_state(
    slf: &Bound<'_, PyLRScheduler>,
    state: &Bound<'_, PyAny>,
    also_used: &[&str],
) -> PyResult<PendingState> {
    let py = slf.py();
    let state = state.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "state_dict must be a dict, got {}",
            state
                .get_type()
                .name()
                .map_or_else(|_| "?".into(), |n| n.to_string())
        ))
    })?;
    let keys = state_keys_of(slf)?;
    let extras = slf.get().cell.read(Kernel::extra_state)?;
    let extra_names: Vec<&'static str> = extras.iter().map(|(n, _)| *n).collect();
    let mut pending = PendingState {
        last_epoch: 0,
        last_lr: Num::Float(0.0),
        extra: Vec::new(),
        attributes: Vec::new(),
    };
    for key in &keys {
        let Some(value) = state.get_item(key)? else {
            return Err(PyRuntimeError::new_err(format!(
                "Please check whether state_dict is correct for optimizer. Can't find [ {key} ] in state_dict"
            )));
        };
        match key.as_str() {
            "last_epoch" => pending.last_epoch = convert::int(&value, "state_dict['last_epoch']")?,
            "last_lr" => pending.last_lr = convert::lr_value(&value, "state_dict['last_lr']")?,
            other => match extras.iter().find(|(n, _)| *n == other) {
                Some((name, like)) => pending.extra.push((name, parse_extra(&value, name, like)?)),
                None => pending.attributes.push((other.to_owned(), value.unbind())),
            },
        }
    }
    // Class-specific extras that are not paddle keys (fastwarmup additions) load when present.
    for (name, like) in &extras {
        if keys.iter().any(|k| k == name) {
            continue;
        }
        if let Some(value) = state.get_item(*name)? {
            pending.extra.push((name, parse_extra(&value, name, like)?));
        }
    }
    let unused = state
        .keys()
        .iter()
        .filter_map(|k| k.extract::<String>().ok())
        .filter(|k| {
            !keys.contains(k)
                && !extra_names.contains(&k.as_str())
                && !also_used.contains(&k.as_str())
                && k != config::SETTINGS_KEY
        })
        .count();
    if unused > 0 {
        py.import("warnings")?.call_method1(
            "warn",
            ("There are some unused values in state_dict. Maybe the optimizer have different 'LearningRateDecay' when invoking state_dict and set_dict",),
        )?;
    }
    Ok(pending)
}

/// A class-specific entry of a state dict, read as the kind of value the kernel keeps there
/// (`like`: its current value).
pub(crate) fn parse_extra(
    value: &Bound<'_, PyAny>,
    name: &str,
    like: &StateValue,
) -> PyResult<StateValue> {
    let what = format!("state_dict['{name}']");
    match like {
        StateValue::Metric(_) if value.is_none() => Ok(StateValue::Metric(None)),
        StateValue::Metric(_) => metric_of(value, &what).map(|m| StateValue::Metric(Some(m))),
        _ if value.is_none() => Ok(StateValue::OptNum(None)),
        _ => convert::lr_value(value, &what).map(StateValue::Num),
    }
}

/// Commit parsed entries (the kernel first, then plain attributes a subclass keeps).
pub(crate) fn commit_state(slf: &Bound<'_, PyLRScheduler>, pending: PendingState) -> PyResult<()> {
    slf.get().cell.update(|k| {
        let saved = k.common().clone();
        let common = k.common_mut();
        common.last_epoch = pending.last_epoch;
        common.last_lr = pending.last_lr;
        // The extras load against the new `last_epoch` (a class may rebuild missing ones).
        k.load_extra_state(&pending.extra).inspect_err(|_| {
            *k.common_mut() = saved;
        })
    })?;
    for (name, value) in pending.attributes {
        slf.setattr(name.as_str(), value)?;
    }
    Ok(())
}

#[pymethods]
impl PyLRScheduler {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate=0.1, last_epoch=-1, verbose=False)")]
    fn __new__(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> Self {
        Self::placeholder()
    }

    // Bound by hand: `learning_rate=None` must be refused (as paddle does), not taken as the
    // default, and PyO3 cannot tell an explicit None from a missing argument.
    #[pyo3(signature = (*args, **kwargs))]
    fn __init__(
        slf: &Bound<'_, Self>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let a = Args::bind(
            "LRScheduler",
            &["learning_rate", "last_epoch", "verbose"],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        let learning_rate = a.num_or("learning_rate", Num::Float(0.1))?;
        construct(
            slf,
            &a,
            Box::new(Base::new(learning_rate, last_epoch, verbose)?),
        )
    }

    /// A Python subclass that inherits fastwarmup's `step` gets its own `step` descriptor, so
    /// CPython's specialized call reaches it as it does on the native classes (see
    /// `fast_step`).
    #[classmethod]
    #[pyo3(signature = (**kwargs))]
    fn __init_subclass__(
        cls: &Bound<'_, PyType>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        fast_step::install_inherited(cls)?;
        let py = cls.py();
        let parent = py
            .import("builtins")?
            .getattr("super")?
            .call1((py.get_type::<PyLRScheduler>(), cls))?;
        parent.call_method("__init_subclass__", (), kwargs)?;
        Ok(())
    }

    /// The user's function the schedule calls (`lr_lambda`, `scale_fn`) is a reference the
    /// garbage collector must see (a bound method of an object that holds the scheduler makes
    /// a cycle): held twice, by the kernel and by `user_function`. The recorded construction
    /// holds the arguments (a nested scheduler among them).
    #[allow(clippy::needless_pass_by_value)] // PyO3 fixes this signature.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Ok(slot) = self.user_function.try_lock() {
            visit.call(slot.as_ref())?;
            visit.call(slot.as_ref())?;
        }
        if let Ok(slot) = self.construction.try_lock() {
            visit.call(slot.as_ref())?;
        }
        Ok(())
    }

    /// Break a reference cycle through the user's function or the recorded construction
    /// (only called on unreachable objects): the schedule is dropped.
    fn __clear__(&self) {
        let _ = self.set_kernel(Box::new(Base::placeholder()), false);
        self.set_construction(None);
    }

    /// Pickle as the `__init__` call that made this scheduler, its state and `__dict__`
    /// (see `pickle`).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        pickle::reduce(slf)
    }

    /// The current learning rate, `last_lr`.
    fn __call__(&self, py: Python<'_>) -> Py<PyAny> {
        convert::to_py(py, self.cell.last_lr())
    }

    /// The value at `last_epoch` (paddle's `get_lr`; a `LinearWarmup` steps its nested
    /// scheduler, as paddle's does).
    fn get_lr(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let mut log = Log::new();
        let value = slf.get().cell.update(|k| k.get_lr(&mut log))?;
        print_lines(slf, &log, false)?;
        Ok(convert::to_py(slf.py(), value))
    }

    /// Set `self.keys` to the names `state_dict()` saves.
    fn state_keys(slf: &Bound<'_, Self>) -> PyResult<()> {
        let keys = slf.get().cell.params(Kernel::state_keys)?;
        slf.setattr("keys", PyList::new(slf.py(), keys)?)
    }

    /// The scheduler's state, interchangeable with paddle's.
    fn state_dict<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyDict>> {
        state_dict_of(slf)
    }

    /// Load a state dict (from fastwarmup or paddle); nothing changes if it is rejected.
    /// Settings saved with it that differ from this scheduler's warn (`strict`: raise).
    #[pyo3(signature = (state_dict, *, strict=false))]
    fn set_state_dict(
        slf: &Bound<'_, Self>,
        state_dict: &Bound<'_, PyAny>,
        strict: bool,
    ) -> PyResult<()> {
        config::check_settings(slf, state_dict, strict)?;
        let pending = parse_state(slf, state_dict, &[])?;
        commit_state(slf, pending)
    }

    /// Alias of `set_state_dict`.
    #[pyo3(signature = (state_dict, *, strict=false))]
    fn set_dict(
        slf: &Bound<'_, Self>,
        state_dict: &Bound<'_, PyAny>,
        strict: bool,
    ) -> PyResult<()> {
        if strict {
            let kwargs = PyDict::new(slf.py());
            kwargs.set_item("strict", true)?;
            slf.call_method("set_state_dict", (state_dict,), Some(&kwargs))
                .map(|_| ())
        } else {
            slf.call_method1("set_state_dict", (state_dict,))
                .map(|_| ())
        }
    }

    /// The schedule's settings as a portable config: `{"name": class name, **constructor
    /// arguments}` (defaults filled in, `last_epoch`/`verbose` left out), nested schedulers as
    /// nested configs; `fastwarmup.from_config` builds it again. `TypeError` names an argument
    /// that has no portable form (a Python function, a foreign scheduler).
    fn to_config<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        config::to_config(slf)
    }

    /// The next `n` learning rates as a NumPy array, without changing the scheduler.
    ///
    /// Element 0 is `self()`; element `i` is what `self()` returns after `i` more `step()`
    /// calls. Computed in Rust (all cores, GIL released) when the whole schedule is native;
    /// by stepping a deep copy when it involves Python code. With `out`, written into that
    /// array (and returned).
    #[pyo3(signature = (n, *, dtype=None, out=None))]
    fn precompute<'py>(
        slf: &Bound<'py, Self>,
        n: &Bound<'py, PyAny>,
        dtype: Option<&Bound<'py, PyAny>>,
        out: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        bulk::precompute(slf, n, dtype, out)
    }

    /// The values at arbitrary step counts: `lr_at(steps)[j]` is what `self()` returns after
    /// `steps[j]` more `step()` calls (`precompute(max(steps) + 1)[steps[j]]`), in the shape
    /// of `steps`, without changing the scheduler.
    #[pyo3(signature = (steps, *, dtype=None))]
    fn lr_at<'py>(
        slf: &Bound<'py, Self>,
        steps: &Bound<'py, PyAny>,
        dtype: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        bulk::lr_at(slf, steps, dtype)
    }

    /// A shallow copy: its own state, sharing a nested scheduler (as `copy.copy` in paddle).
    fn __copy__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        copy_of(slf, None)
    }

    /// A deep copy: nothing shared with the original.
    fn __deepcopy__(slf: &Bound<'_, Self>, memo: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        copy_of(slf, Some(memo))
    }

    /// The object's class (`type(self)`).
    #[getter(__class__)]
    fn class(slf: &Bound<'_, Self>) -> Py<PyType> {
        slf.get_type().unbind()
    }
    /// Another class only if it has the same schedule: the same fastwarmup class first in its
    /// method order, with the same `get_lr` (overridden or not). Anything else would leave an
    /// object that steps one schedule and reports another.
    #[setter(__class__)]
    fn set_class(slf: &Bound<'_, Self>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = slf.py();
        let refuse = || {
            PyTypeError::new_err(format!(
                "__class__ can only become a class with the same schedule as {}, got {}",
                slf.get_type()
                    .name()
                    .map_or_else(|_| "?".into(), |n| n.to_string()),
                value.repr().map_or_else(|_| "?".into(), |r| r.to_string()),
            ))
        };
        let Ok(new) = value.cast::<PyType>() else {
            return Err(refuse());
        };
        let same_schedule = first_native_class(new)?
            .zip(first_native_class(&slf.get_type())?)
            .is_some_and(|(a, b)| a.is(&b))
            && overrides(new, &["get_lr", "_get_closed_form_lr"])? != slf.get().is_native();
        if !same_schedule {
            return Err(refuse());
        }
        py.get_type::<PyAny>()
            .getattr("__dict__")?
            .get_item("__class__")?
            .call_method1("__set__", (slf, new))?;
        let name = display_name(new)?;
        Ok(slf.get().cell.update(|k| {
            k.common_mut().display_name = name;
            Ok(())
        })?)
    }

    /// The epoch of the current value.
    #[getter]
    fn last_epoch(&self) -> i64 {
        self.cell.last_epoch()
    }
    #[setter]
    fn set_last_epoch(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let value = convert::int(value, "last_epoch")?;
        Ok(self.cell.update(|k| {
            k.common_mut().last_epoch = value;
            Ok(())
        })?)
    }

    /// The current learning rate.
    #[getter]
    fn last_lr(&self, py: Python<'_>) -> Py<PyAny> {
        convert::to_py(py, self.cell.last_lr())
    }
    #[setter]
    fn set_last_lr(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let value = convert::lr_value(value, "last_lr")?;
        Ok(self.cell.update(|k| {
            k.common_mut().last_lr = value;
            Ok(())
        })?)
    }

    /// `float(learning_rate)` as given at construction.
    #[getter]
    fn base_lr(&self) -> f64 {
        self.cell.base_lr()
    }
    #[setter]
    fn set_base_lr(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let value = convert::num(value, "base_lr")?.as_f64();
        Ok(self.cell.update(|k| {
            k.common_mut().base_lr = value;
            Ok(())
        })?)
    }

    /// Whether each step prints paddle's line.
    #[getter]
    fn verbose(&self) -> bool {
        self.cell.verbose()
    }
    #[setter]
    fn set_verbose(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let value = value.is_truthy()?;
        Ok(self.cell.update(|k| {
            k.common_mut().verbose = value;
            Ok(())
        })?)
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let name = slf.get_type().name()?.to_string();
        let cell = &slf.get().cell;
        let lr = convert::to_py(slf.py(), cell.last_lr());
        Ok(format!(
            "{name}(last_epoch={}, last_lr={})",
            cell.last_epoch(),
            lr.bind(slf.py()).repr()?
        ))
    }
}

/// The recorded `__init__` call of a deep copy: each argument the kernel's copy copied (a
/// nested scheduler, found in `memo`) replaced by its copy; the rest, a user's function
/// included, is shared as the kernel's copy shares it.
fn construction_for_copy(
    call: &Bound<'_, PyTuple>,
    memo: &Bound<'_, PyAny>,
) -> PyResult<Py<PyTuple>> {
    let py = call.py();
    let (name, arguments): (Bound<'_, PyAny>, Bound<'_, PyDict>) = call.extract()?;
    let copied = PyDict::new(py);
    for (key, value) in arguments.iter() {
        let id = value.as_ptr() as usize;
        let value = match memo.call_method1("get", (id,))? {
            copy if copy.is_none() => value,
            copy => copy,
        };
        copied.set_item(key, value)?;
    }
    Ok((name, copied).into_pyobject(py)?.unbind())
}

/// A copy: a new object of the same Python type with a copy of the kernel and of `__dict__`.
/// With `memo` (a deep copy), the new object is registered in it first (so cycles through it
/// resolve) and everything is copied deeply; without, nested objects are shared.
fn copy_of(slf: &Bound<'_, PyLRScheduler>, memo: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    let ty: Bound<'_, PyType> = slf.get_type();
    let new = ty.call_method1("__new__", (&ty,))?;
    if let Some(memo) = memo.and_then(|m| m.cast::<PyDict>().ok()) {
        memo.set_item(slf.as_ptr() as usize, &new)?;
    }
    let new_sched = new.cast::<PyLRScheduler>()?;
    let this = slf.get();
    let kernel = match crate::python::classes::copy_kernel(slf, new_sched, memo)? {
        Some(kernel) => kernel,
        None => this.cell.snapshot()?,
    };
    new_sched.get().set_kernel(kernel, this.is_native())?;
    new_sched
        .get()
        .python_get_lr
        .store(!this.is_native(), Ordering::Relaxed);
    let construction = match (this.construction(py), memo) {
        (Some(call), Some(memo)) => Some(construction_for_copy(call.bind(py), memo)?),
        (call, _) => call,
    };
    new_sched.get().set_construction(construction);
    let own_dict = slf.getattr("__dict__")?;
    let copied = match memo {
        Some(memo) => py
            .import("copy")?
            .call_method1("deepcopy", (own_dict, memo))?,
        None => own_dict.call_method0("copy")?,
    };
    new.getattr("__dict__")?.call_method1("update", (copied,))?;
    Ok(new.unbind())
}
