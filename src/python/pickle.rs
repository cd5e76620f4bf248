//! Pickling.
//!
//! A scheduler's schedule lives in Rust, so pickle cannot rebuild it from `__dict__` as it does
//! paddle's. Each scheduler records the `__init__` call that made it (see `install`); it
//! pickles as `copyreg.__newobj__(type)` plus a state setter, `_set_state(obj, (class name,
//! schedule, user_state, argument names, *argument values))`, that makes the same call again
//! without the construction step (nothing printed, no `get_lr` run), loads the saved state,
//! then restores the object's own state as pickle would (its `__setstate__`, else `__dict__`
//! and slots). The record is part of the state, which pickle saves after the object exists, so
//! an argument that refers back to the object (a nest holding its warm-up, a bound method of
//! the scheduler's owner) round-trips like any reference cycle. A `__getstate__`/`__setstate__`
//! pair of a Python subclass works as for paddle's schedulers.
//!
//! The argument values sit directly in the state tuple: pickle recurses once per container, so
//! a nested scheduler two containers below its warm-up (the state, then itself) lets a chain
//! of `LinearWarmup`s be as deep as paddle's before pickle's recursion limit.

use std::sync::atomic::Ordering;

use pyo3::exceptions::{PyAttributeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};

use crate::pyops::Num;
use crate::python::classes::first_native_class;
use crate::python::convert;
use crate::python::scheduler::{parse_extra, state_to_py, PyLRScheduler};
use crate::schedule::{Common, Kernel, StateValue};
use crate::schedules::metric::{Metric, Value};

/// `__reduce__`: `(copyreg.__newobj__, (type,), state, None, None, _set_state)`, `state` as
/// `set_state` takes it.
pub(crate) fn reduce<'py>(slf: &Bound<'py, PyLRScheduler>) -> PyResult<Bound<'py, PyTuple>> {
    let py = slf.py();
    let Some(construction) = slf.get().construction(py) else {
        return Err(PyTypeError::new_err(format!(
            "cannot pickle a {} whose __init__ has not run",
            slf.get_type().name()?
        )));
    };
    let (common, extra) = slf
        .get()
        .cell
        .read(|k| (k.common().clone(), k.extra_state()))?;
    let extras = PyDict::new(py);
    for (name, value) in &extra {
        extras.set_item(*name, encode(py, value)?)?;
    }
    let schedule = (
        common.last_epoch,
        convert::to_py(py, common.last_lr),
        common.base_lr,
        common.verbose,
        extras,
    );
    let (name, arguments): (Bound<'py, PyAny>, Bound<'py, PyDict>) =
        construction.bind(py).extract()?;
    let names = PyTuple::new(py, arguments.keys())?;
    let mut items = vec![
        name,
        schedule.into_pyobject(py)?.into_any(),
        user_state(slf)?,
        names.into_any(),
    ];
    items.extend(arguments.values());
    let state = PyTuple::new(py, items)?;
    let new_object = py.import("copyreg")?.getattr("__newobj__")?;
    // The module's own function object: pickle finds it by its `__module__` and name.
    let set_state = py.import("fastwarmup._fastwarmup")?.getattr("_set_state")?;
    (
        new_object,
        (slf.get_type(),),
        state,
        py.None(),
        py.None(),
        set_state,
    )
        .into_pyobject(py)
}

/// The object's own state as pickle takes it: `__getstate__()` (CPython ≥ 3.11 always has
/// one), else `__dict__` and the slots that are set, as `copyreg` gathers them.
fn user_state<'py>(slf: &Bound<'py, PyLRScheduler>) -> PyResult<Bound<'py, PyAny>> {
    let py = slf.py();
    match slf.getattr("__getstate__") {
        Ok(getstate) => return getstate.call0(),
        Err(err) if !err.is_instance_of::<PyAttributeError>(py) => return Err(err),
        Err(_) => {}
    }
    let dict = slf.getattr("__dict__")?;
    let slots = PyDict::new(py);
    let names = py
        .import("copyreg")?
        .call_method1("_slotnames", (slf.get_type(),))?;
    for name in names.try_iter()? {
        let name = name?;
        if let Ok(value) = slf.as_any().getattr(name.cast::<PyString>()?) {
            slots.set_item(name, value)?;
        }
    }
    if slots.is_empty() {
        Ok(dict)
    } else {
        (dict, slots).into_pyobject(py).map(Bound::into_any)
    }
}

/// Unpickle: make `obj` again from its record, then restore its own state. `state` is
/// `(class name, schedule, user_state, argument names, *argument values)`, or the layout of
/// earlier development builds, `(((class name, {argument: value}), schedule), user_state)`.
#[pyfunction]
#[pyo3(name = "_set_state")]
pub(crate) fn set_state(obj: &Bound<'_, PyAny>, state: &Bound<'_, PyTuple>) -> PyResult<()> {
    let py = obj.py();
    let (name, arguments, schedule, own_state) = if state.len() == 2 {
        let (record, own_state): (Bound<'_, PyTuple>, Bound<'_, PyAny>) = state.extract()?;
        let (construction, schedule): (Bound<'_, PyTuple>, Bound<'_, PyTuple>) =
            record.extract()?;
        let (name, arguments): (String, Bound<'_, PyDict>) = construction.extract()?;
        (name, arguments, schedule, own_state)
    } else {
        let bad = || PyValueError::new_err("cannot unpickle: a bad scheduler state");
        if state.len() < 4 {
            return Err(bad());
        }
        let name: String = state.get_item(0)?.extract()?;
        let schedule = state.get_item(1)?.cast_into::<PyTuple>()?;
        let own_state = state.get_item(2)?;
        let names = state.get_item(3)?.cast_into::<PyTuple>()?;
        if names.len() != state.len() - 4 {
            return Err(bad());
        }
        let arguments = PyDict::new(py);
        for (i, key) in names.iter().enumerate() {
            arguments.set_item(key, state.get_item(4 + i)?)?;
        }
        (name, arguments, schedule, own_state)
    };
    let sched = obj.cast::<PyLRScheduler>()?;
    remake(sched, &name, &arguments)?;
    load(sched, &schedule)?;
    restore_own_state(obj, &own_state)
}

/// Run the recorded `__init__` call on `sched` without the construction step.
fn remake(
    sched: &Bound<'_, PyLRScheduler>,
    name: &str,
    arguments: &Bound<'_, PyDict>,
) -> PyResult<()> {
    let native = native_class(&sched.get_type(), name)?;
    sched.get().restoring.store(true, Ordering::Relaxed);
    let made = native.getattr("__init__")?.call((sched,), Some(arguments));
    sched.get().restoring.store(false, Ordering::Relaxed);
    made.map(|_| ())
}

/// The fastwarmup class `cls` derives from most directly, which must be the one whose
/// `__init__` the recorded call went to.
fn native_class<'py>(cls: &Bound<'py, PyType>, name: &str) -> PyResult<Bound<'py, PyType>> {
    if let Some(class) = first_native_class(cls)? {
        if class.name()? == name {
            return Ok(class);
        }
    }
    Err(PyValueError::new_err(format!(
        "cannot unpickle: {} is not a fastwarmup {name}",
        cls.name()?
    )))
}

/// Load `(last_epoch, last_lr, base_lr, verbose, extras)` into a remade scheduler.
fn load(sched: &Bound<'_, PyLRScheduler>, schedule: &Bound<'_, PyTuple>) -> PyResult<()> {
    let (last_epoch, last_lr, base_lr, verbose, extras): (
        i64,
        Bound<'_, PyAny>,
        f64,
        bool,
        Bound<'_, PyDict>,
    ) = schedule.extract()?;
    let last_lr = convert::lr_value(&last_lr, "last_lr")?;
    let kinds = sched.get().cell.read(Kernel::extra_state)?;
    let mut entries: Vec<(&'static str, StateValue)> = Vec::new();
    for (name, like) in &kinds {
        if let Some(value) = extras.get_item(*name)? {
            entries.push((name, decode(&value, name, like)?));
        }
    }
    Ok(sched.get().cell.update(|k| {
        let display_name = k.common().display_name.clone();
        *k.common_mut() = Common {
            base_lr,
            last_lr,
            last_epoch,
            verbose,
            display_name,
        };
        k.load_extra_state(&entries)
    })?)
}

/// What pickle's `BUILD` does with `state`: `obj.__setstate__(state)` if the class has one,
/// else `state` is `__dict__` entries, or a pair of those and slot values.
fn restore_own_state(obj: &Bound<'_, PyAny>, state: &Bound<'_, PyAny>) -> PyResult<()> {
    if state.is_none() {
        return Ok(());
    }
    if let Ok(setstate) = obj.getattr("__setstate__") {
        setstate.call1((state,))?;
        return Ok(());
    }
    let (dict, slots) = match state.cast::<PyTuple>() {
        Ok(pair) if pair.len() == 2 => (pair.get_item(0)?, Some(pair.get_item(1)?)),
        _ => (state.clone(), None),
    };
    if !dict.is_none() {
        obj.getattr("__dict__")?.call_method1("update", (dict,))?;
    }
    if let Some(slots) = slots.filter(|s| !s.is_none()) {
        for item in slots.call_method0("items")?.try_iter()? {
            let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
            obj.setattr(name.cast::<PyString>()?, value)?;
        }
    }
    Ok(())
}

/// A class-specific state entry for the pickle: a stored metric as `(kind, dtype, value)`, so
/// that it comes back with the arithmetic it had (a `state_dict` saves a paddle Tensor's value
/// as a float, as paddle's does); anything else as `state_dict` saves it.
fn encode<'py>(py: Python<'py>, value: &StateValue) -> PyResult<Bound<'py, PyAny>> {
    let StateValue::Metric(Some(metric)) = value else {
        return Ok(state_to_py(py, value)?.into_bound(py));
    };
    let (kind, value) = match *metric {
        Metric::Py(Num::Int(i)) => ("py", Value::Int(i)),
        Metric::Py(Num::Float(f)) => ("py", Value::F64(f)),
        Metric::NumpyScalar(v) => ("numpy_scalar", v),
        Metric::NumpyArray(v) => ("numpy_array", v),
        Metric::Tensor(v) => ("tensor", v),
    };
    let (dtype, number) = match value {
        Value::F64(f) => ("f64", Num::Float(f)),
        Value::F32(f) => ("f32", Num::Float(f64::from(f))),
        Value::Int(i) => ("int", Num::Int(i)),
    };
    (kind, dtype, convert::to_py(py, number))
        .into_pyobject(py)
        .map(Bound::into_any)
}

/// The inverse of `encode`, checked: a tampered pickle gets a `ValueError`.
fn decode(value: &Bound<'_, PyAny>, name: &str, like: &StateValue) -> PyResult<StateValue> {
    if !matches!(like, StateValue::Metric(_)) || value.is_none() {
        return parse_extra(value, name, like);
    }
    let bad = || PyValueError::new_err(format!("cannot unpickle: a bad '{name}' {value}"));
    let (kind, dtype, number): (String, String, Bound<'_, PyAny>) =
        value.extract().map_err(|_| bad())?;
    let typed = match dtype.as_str() {
        "f64" => Value::F64(number.extract::<f64>()?),
        "f32" => {
            // saved widened, so it narrows back exactly
            let wide = number.extract::<f64>()?;
            let narrow = wide as f32;
            if f64::from(narrow).to_bits() != wide.to_bits() {
                return Err(bad());
            }
            Value::F32(narrow)
        }
        "int" => Value::Int(convert::int(&number, name)?),
        _ => return Err(bad()),
    };
    let metric = match (kind.as_str(), typed) {
        ("py", Value::F64(f)) => Metric::Py(Num::Float(f)),
        ("py", Value::Int(i)) => Metric::Py(Num::Int(i)),
        ("numpy_scalar", v) => Metric::NumpyScalar(v),
        ("numpy_array", v) => Metric::NumpyArray(v),
        ("tensor", v) => Metric::Tensor(v),
        _ => return Err(bad()),
    };
    Ok(StateValue::Metric(Some(metric)))
}
