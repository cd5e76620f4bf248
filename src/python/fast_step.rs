//! `step(epoch=None)`, bound as a CPython method by hand.
//!
//! `s.step()` is the call a training loop makes every iteration, so it is not a PyO3 method:
//! PyO3 cannot bind an optional argument without its general argument parser, and a method
//! inherited from `LRScheduler` misses CPython 3.11's specialized call (which wants the
//! method's descriptor on the instance's exact type). Instead, each class gets its own
//! `METH_FASTCALL | METH_KEYWORDS` descriptor for one C function, which steps the scheduler
//! lock-free when it can (`SchedCell::step_lock_free`) and otherwise parses the arguments and
//! takes the full step (`scheduler::step_epoch`) with PyO3 as any method does.
//! `LRScheduler`'s own descriptor takes paddle's base step whatever the instance's class, as
//! `paddle.optimizer.lr.LRScheduler.step(s)` does (see `StepRule`).
//!
//! This is the crate's only unsafe code: the C entry point, and the descriptor's creation.
#![allow(unsafe_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::{self, NonNull};
use std::sync::OnceLock;

use pyo3::ffi;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyTuple, PyType};
use pyo3::Borrowed;

use crate::python::convert;
use crate::python::scheduler::{step_epoch, PyLRScheduler, StepRule};

/// `__doc__` of `step`, with its signature in CPython's `__text_signature__` form.
const STEP_DOC: &std::ffi::CStr = c"step($self, epoch=None)
--

Advance `last_epoch` by one, or set it to `epoch`, and recompute `last_lr`.";

/// The method definition every class's `step` descriptor points to (CPython keeps the pointer
/// and only reads it).
struct MethodDef(ffi::PyMethodDef);
// SAFETY: the definition holds pointers to 'static C strings and a function, never written.
unsafe impl Send for MethodDef {}
unsafe impl Sync for MethodDef {}

static CLASS_STEP_DEF: OnceLock<MethodDef> = OnceLock::new();
static BASE_STEP_DEF: OnceLock<MethodDef> = OnceLock::new();

/// The method definition for `rule`'s C function.
fn method_def(rule: StepRule) -> &'static MethodDef {
    let (cell, function): (_, ffi::PyCFunctionFastWithKeywords) = match rule {
        StepRule::Class => (&CLASS_STEP_DEF, step_entry::<false>),
        StepRule::Base => (&BASE_STEP_DEF, step_entry::<true>),
    };
    cell.get_or_init(|| {
        MethodDef(ffi::PyMethodDef {
            ml_name: c"step".as_ptr(),
            ml_meth: ffi::PyMethodDefPointer {
                PyCFunctionFastWithKeywords: function,
            },
            ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
            ml_doc: STEP_DOC.as_ptr(),
        })
    })
}

/// Give `ty` its own `step` descriptor (see the module docs) following `rule`, unless the
/// class defines a `step` of its own (`ReduceOnPlateau.step(metrics, epoch)`).
pub(crate) fn install(ty: &Bound<'_, PyType>, rule: StepRule) -> PyResult<()> {
    if ty.getattr("__dict__")?.contains("step")? {
        return Ok(());
    }
    let def = method_def(rule);
    let py = ty.py();
    // SAFETY: `ty` is a live type object and `def` lives for the rest of the process; CPython
    // takes `def` as mutable but never writes it. A NULL result has set a Python exception.
    let descriptor = unsafe {
        let raw = ffi::PyDescr_NewMethod(ty.as_type_ptr(), ptr::from_ref(&def.0).cast_mut());
        Bound::from_owned_ptr_or_err(py, raw)?
    };
    if crate::python::classes::is_native_class(ty) {
        INSTALLED_ON_NATIVE
            .lock()
            .map_err(|_| PanicException::new_err("step table poisoned"))?
            .push(descriptor.clone().unbind());
    }
    ty.setattr("step", descriptor)
}

/// Give a new Python subclass `cls` its own `step` descriptor when it derives directly from a
/// fastwarmup class whose `step` is one `install` made (CPython 3.11 specializes a
/// method-descriptor call only on the descriptor's own class), following that class's rule:
/// paddle's base step under `LRScheduler`, the class's own under the others. A class further
/// down (with a Python class between it and fastwarmup's) keeps inheriting `step` as Python
/// does, so a `step` patched onto that Python class later still reaches it; it misses the
/// specialized call. `ReduceOnPlateau`'s own `step` is not one of ours.
pub(crate) fn install_inherited(cls: &Bound<'_, PyType>) -> PyResult<()> {
    let mro = cls.mro();
    let Ok(next) = mro.get_item(1) else {
        return Ok(());
    };
    let next = next.cast_into::<PyType>()?;
    if !crate::python::classes::is_native_class(&next) {
        return Ok(());
    }
    let Ok(inherited) = next.getattr("__dict__")?.get_item("step") else {
        return Ok(());
    };
    if !is_installed(&next, &inherited)? {
        return Ok(());
    }
    let rule = if next.is(cls.py().get_type::<PyLRScheduler>()) {
        StepRule::Base
    } else {
        StepRule::Class
    };
    install(cls, rule)
}

/// Whether `value`, found as `step` in `class.__dict__`, is a descriptor `install` made: on a
/// native class, any of the two definitions' descriptors; on a Python class, a method
/// descriptor of that class (only `install` makes those for a class defined in Python).
pub(crate) fn is_installed(class: &Bound<'_, PyType>, value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = class.py();
    let method_descriptor = py
        .get_type::<PyLRScheduler>()
        .getattr("__dict__")?
        .get_item("step")?
        .get_type();
    if !value.get_type().is(&method_descriptor) || !value.getattr("__objclass__")?.is(class) {
        return Ok(false);
    }
    if !crate::python::classes::is_native_class(class) {
        return Ok(true);
    }
    let installed = INSTALLED_ON_NATIVE
        .lock()
        .map_err(|_| PanicException::new_err("step table poisoned"))?;
    Ok(installed.iter().any(|d| d.bind(py).is(value)))
}

/// The `step` descriptors `install` gave the native classes (which live as long as the
/// process): how `is_installed` tells them from a class's own PyO3 `step`.
static INSTALLED_ON_NATIVE: std::sync::Mutex<Vec<Py<PyAny>>> = std::sync::Mutex::new(Vec::new());

/// The C function behind a `step` descriptor: `BASE` for `LRScheduler`'s (`StepRule::Base`),
/// else each class's own (`StepRule::Class`). A C function carries no data, so the rule is a
/// const parameter: one instance per rule.
///
/// # Safety
/// CPython calls it attached to the interpreter, with `slf` an instance of the descriptor's
/// type (the descriptor checks it), `args` holding `nargs` positional arguments followed by
/// one value per name in the `kwnames` tuple (or `kwnames` NULL).
unsafe extern "C" fn step_entry<const BASE: bool>(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    let rule = if BASE {
        StepRule::Base
    } else {
        StepRule::Class
    };
    // SAFETY: as this function's contract states.
    unsafe { step(rule, slf, args, nargs, kwnames) }
}

/// `step` following `rule`: lock-free if it can, else in full. A lock-free step is the same
/// under either rule (only schedules whose step is the base step have a lock-free plan).
///
/// # Safety
/// As `step_entry`'s.
unsafe fn step(
    rule: StepRule,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: as this function's contract states.
    let stepped = catch_unwind(AssertUnwindSafe(|| unsafe {
        step_lock_free(slf, args, nargs, kwnames)
    }));
    match stepped {
        // SAFETY: attached; `Py_None` is immortal in spirit, its reference is counted.
        Ok(Some(())) => unsafe { none() },
        // SAFETY: as this function's contract states.
        Ok(None) => unsafe { step_in_full(rule, slf, args, nargs, kwnames) },
        // A panic may have come after a nested scheduler stepped: stepping again in full
        // could step it twice, so the call fails instead.
        Err(_) => raise_panic(),
    }
}

/// The hot path: `step()` or `step(<int>)` on a scheduler that steps lock-free. Nothing is
/// allocated and no Python exception can arise; `None` leaves everything to `step_in_full`.
///
/// # Safety
/// As `step`'s.
unsafe fn step_lock_free(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> Option<()> {
    if !kwnames.is_null() || nargs > 1 {
        return None;
    }
    // SAFETY: the caller is attached to the interpreter (the token does not outlive this call).
    let py = unsafe { Python::assume_attached() };
    let epoch = if nargs == 1 {
        // SAFETY: `args` holds one live reference.
        let arg = unsafe { Borrowed::from_ptr(py, *args) };
        if arg.is_none() {
            None
        } else {
            Some(plain_int(arg)?)
        }
    } else {
        None
    };
    // SAFETY: `slf` is a live instance of a subclass of `LRScheduler`: `install` only gives the
    // descriptor to such classes, and CPython checks `slf` against the descriptor's class.
    let sched = unsafe { Borrowed::from_ptr(py, slf).cast_unchecked::<PyLRScheduler>() };
    let this = sched.get();
    if !this.is_native() {
        return None;
    }
    this.cell.step_lock_free(epoch).map(|_| ())
}

/// An exact `int` that fits, read without raising; `None` for anything else, which the full
/// path converts (or refuses) with its messages.
fn plain_int(arg: Borrowed<'_, '_, PyAny>) -> Option<i64> {
    if !arg.is_exact_instance_of::<PyInt>() {
        return None;
    }
    let mut overflow = 0;
    // SAFETY: `arg` is an exact int; on overflow this sets the flag, not an exception.
    let value = unsafe { ffi::PyLong_AsLongLongAndOverflow(arg.as_ptr(), &raw mut overflow) };
    (overflow == 0).then_some(value)
}

/// The general path, as a PyO3 method would run it: parse the arguments, take the full step,
/// and turn an error (or a panic) into a Python exception.
///
/// # Safety
/// As `step`'s.
unsafe fn step_in_full(
    rule: StepRule,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        Python::attach(|py| {
            // SAFETY: as `step`'s contract states.
            let result = unsafe { parse_and_step(py, rule, slf, args, nargs, kwnames) };
            match result {
                // SAFETY: attached.
                Ok(()) => unsafe { none() },
                Err(err) => {
                    err.restore(py);
                    ptr::null_mut()
                }
            }
        })
    }));
    outcome.unwrap_or_else(|_| raise_panic())
}

/// Set a `PanicException` for a panic caught in `step` and return the NULL that reports it.
fn raise_panic() -> *mut ffi::PyObject {
    Python::attach(|py| {
        PanicException::new_err("fastwarmup: internal error in step()").restore(py);
    });
    ptr::null_mut()
}

/// # Safety
/// As `step`'s.
unsafe fn parse_and_step(
    py: Python<'_>,
    rule: StepRule,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> PyResult<()> {
    // SAFETY: `slf` is a live object (its type is checked here all the same).
    let sched = unsafe { Borrowed::from_ptr(py, slf) }.cast::<PyLRScheduler>()?;
    let names = if kwnames.is_null() {
        None
    } else {
        // SAFETY: a non-NULL `kwnames` is a live tuple of str.
        Some(unsafe { Borrowed::from_ptr(py, kwnames).cast_unchecked::<PyTuple>() })
    };
    let keyword_count = names.map_or(0, |n| n.len());
    let positional_count = usize::try_from(nargs).unwrap_or(0);
    let values: &[*mut ffi::PyObject] = match NonNull::new(args.cast_mut()) {
        // SAFETY: `args` holds `nargs` positional values, then one per keyword name.
        Some(first) => unsafe {
            std::slice::from_raw_parts(first.as_ptr(), positional_count + keyword_count)
        },
        None => &[],
    };
    let (positional, keyword_values) = values.split_at(positional_count.min(values.len()));
    // SAFETY: every pointer in `values` is a live reference held by the caller for the call.
    let positional: Vec<Borrowed<'_, '_, PyAny>> = positional
        .iter()
        .map(|p| unsafe { Borrowed::from_ptr(py, *p) })
        .collect();
    let keywords: Vec<(Borrowed<'_, '_, PyAny>, Borrowed<'_, '_, PyAny>)> = match &names {
        Some(names) => names
            .iter_borrowed()
            .zip(keyword_values)
            // SAFETY: as above.
            .map(|(name, value)| (name, unsafe { Borrowed::from_ptr(py, *value) }))
            .collect(),
        None => Vec::new(),
    };
    let epoch = convert::single_optional_arg("step", "epoch", &positional, &keywords)?;
    step_epoch(&sched, convert::epoch(epoch.as_deref())?, rule)
}

/// A new reference to `None`.
///
/// # Safety
/// The caller is attached to the interpreter.
unsafe fn none() -> *mut ffi::PyObject {
    // SAFETY: attached, as the caller guarantees.
    unsafe {
        let none = ffi::Py_None();
        ffi::Py_IncRef(none);
        none
    }
}
