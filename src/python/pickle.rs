//! Pickling. A scheduler pickles as the `__init__` call that made it (recorded when it ran),
//! its state and its `__dict__`. Unpickling makes the same call on a new object of the same
//! Python type, without the construction step (nothing is printed, no `get_lr` runs), then
//! loads the state. Nested schedulers are among the arguments, so pickle keeps them shared
//! as it keeps any object; a user's function pickles by reference, as in paddle.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

use std::sync::atomic::Ordering;

use crate::python::convert;
use crate::python::scheduler::{parse_extra, state_to_py, PyLRScheduler};
use crate::schedule::{Common, StateValue};

/// `__reduce__`: `(_restore, (type, construction, state), __dict__)`.
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
        extras.set_item(*name, state_to_py(py, value))?;
    }
    let state = (
        common.last_epoch,
        convert::to_py(py, common.last_lr),
        common.base_lr,
        common.verbose,
        extras,
    )
        .into_pyobject(py)?;
    // The module's own function object: pickle finds it by its `__module__` and name.
    let restore = py.import("fastwarmup._fastwarmup")?.getattr("_restore")?;
    let args = (slf.get_type(), construction, state).into_pyobject(py)?;
    (restore, args, slf.getattr("__dict__")?).into_pyobject(py)
}

/// Unpickle: a new `cls` made by the recorded `__init__` call, with the saved state.
#[pyfunction]
#[pyo3(name = "_restore")]
pub(crate) fn restore<'py>(
    cls: &Bound<'py, PyType>,
    construction: &Bound<'py, PyTuple>,
    state: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyAny>> {
    let (name, arguments): (String, Bound<'py, PyDict>) = construction.extract()?;
    let native = native_class(cls, &name)?;
    let obj = cls.call_method1("__new__", (cls,))?;
    let sched = obj.cast::<PyLRScheduler>()?;
    sched.get().restoring.store(true, Ordering::Relaxed);
    let made = native.getattr("__init__")?.call((&obj,), Some(&arguments));
    sched.get().restoring.store(false, Ordering::Relaxed);
    made?;
    load(sched, state)?;
    Ok(obj)
}

/// The class in `cls`'s MRO whose `__init__` the recorded call went to.
fn native_class<'py>(cls: &Bound<'py, PyType>, name: &str) -> PyResult<Bound<'py, PyType>> {
    let base = cls.py().get_type::<PyLRScheduler>();
    for class in cls.mro().iter() {
        let class = class.cast_into::<PyType>()?;
        if class.is_subclass(&base)? && class.name()? == name && is_ours(&class)? {
            return Ok(class);
        }
    }
    Err(PyValueError::new_err(format!(
        "cannot unpickle: {} is not a fastwarmup {name}",
        cls.name()?
    )))
}

/// Whether `class` is one of fastwarmup's own classes (not a user's class of the same name).
fn is_ours(class: &Bound<'_, PyType>) -> PyResult<bool> {
    Ok(class.getattr("__module__")?.extract::<String>()? == "fastwarmup.lr")
}

/// Load `(last_epoch, last_lr, base_lr, verbose, extras)` into a freshly made scheduler.
fn load(sched: &Bound<'_, PyLRScheduler>, state: &Bound<'_, PyTuple>) -> PyResult<()> {
    let (last_epoch, last_lr, base_lr, verbose, extras): (
        i64,
        Bound<'_, PyAny>,
        f64,
        bool,
        Bound<'_, PyDict>,
    ) = state.extract()?;
    let last_lr = convert::lr_value(&last_lr, "last_lr")?;
    let names: Vec<&'static str> = sched
        .get()
        .cell
        .read(|k| k.extra_state().iter().map(|(n, _)| *n).collect())?;
    let mut entries: Vec<(&'static str, StateValue)> = Vec::new();
    for name in names {
        if let Some(value) = extras.get_item(name)? {
            entries.push((name, parse_extra(&value, name)?));
        }
    }
    Ok(sched.get().cell.update(|k| {
        *k.common_mut() = Common {
            base_lr,
            last_lr,
            last_epoch,
            verbose,
        };
        k.load_extra_state(&entries)
    })?)
}
