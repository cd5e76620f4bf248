//! The concrete scheduler classes, one module each: argument conversion into kernels and
//! attribute getters. Every class derives from `LRScheduler` and inherits its methods.

#[macro_use]
mod rate_and_one;

mod cosine_annealing;
mod cyclic;
mod cyclical_cosine;
mod exponential;
mod inverse_time;
mod lambda;
mod linear_lr;
mod linear_warmup;
mod multi_step;
mod multiplicative;
mod natural_exp;
mod noam;
mod one_cycle;
mod one_cycle_decay;
mod piecewise;
mod plateau;
mod polynomial;
mod step;
mod two_step_cosine;
mod warm_restarts;
mod warmup;

use std::sync::Arc;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::pyops::Num;
use crate::python::convert;
use crate::python::fast_step;
use crate::python::scheduler::{PyLRScheduler, StepRule};

pub(crate) use linear_warmup::{copy_kernel, PyLinearWarmup};

/// Every native class but `LRScheduler`: registered in the module, and stepped in Rust when
/// nested (an instance of exactly one of these types).
macro_rules! native_classes {
    ($apply:ident) => {
        $apply!(
            polynomial::PyPolynomialDecay,
            linear_warmup::PyLinearWarmup,
            noam::PyNoamDecay,
            piecewise::PyPiecewiseDecay,
            natural_exp::PyNaturalExpDecay,
            inverse_time::PyInverseTimeDecay,
            exponential::PyExponentialDecay,
            multi_step::PyMultiStepDecay,
            step::PyStepDecay,
            cosine_annealing::PyCosineAnnealingDecay,
            linear_lr::PyLinearLR,
            warm_restarts::PyCosineAnnealingWarmRestarts,
            one_cycle::PyOneCycleLR,
            lambda::PyLambdaDecay,
            multiplicative::PyMultiplicativeDecay,
            cyclic::PyCyclicLR,
            plateau::PyReduceOnPlateau,
            cyclical_cosine::PyCyclicalCosineDecay,
            one_cycle_decay::PyOneCycleDecay,
            two_step_cosine::PyTwoStepCosineDecay,
            warmup::PyWarmupLinearDecay,
            warmup::PyWarmupCosineDecay,
            warmup::PyCosineWarmupWithMinLR,
            warmup::PyCosineWithHardRestarts,
            warmup::PyWarmupPolynomialDecay,
            warmup::PyInverseSqrtDecay,
            warmup::PyConstantWithWarmup,
            warmup::PyWarmupStableDecay
        )
    };
}

/// Read a parameter of this object's schedule (a field set at construction that stepping never
/// changes), downcast to its kernel's type. Takes no lock: a user's function may read its
/// scheduler's parameters while it is being stepped.
pub(crate) fn with_params<K: 'static, R>(
    slf: &Bound<'_, PyLRScheduler>,
    f: impl FnOnce(&K) -> R,
) -> PyResult<R> {
    initialised(
        slf.get()
            .cell
            .params(|k| k.as_any().downcast_ref::<K>().map(f))?,
    )
}

/// Read a field of this object's kernel that stepping changes (`T_cur`, `best`, ...), under
/// the kernel's lock.
pub(crate) fn with_state<K: 'static, R>(
    slf: &Bound<'_, PyLRScheduler>,
    f: impl FnOnce(&K) -> R,
) -> PyResult<R> {
    initialised(
        slf.get()
            .cell
            .read(|k| k.as_any().downcast_ref::<K>().map(f))?,
    )
}

fn initialised<R>(value: Option<R>) -> PyResult<R> {
    value.ok_or_else(|| PyRuntimeError::new_err("scheduler used before __init__ completed"))
}

/// A number parameter of this object's schedule, as the Python int or float it was given as.
pub(crate) fn num_attribute<K: 'static>(
    slf: &Bound<'_, PyLRScheduler>,
    field: impl FnOnce(&K) -> Num,
) -> PyResult<Py<PyAny>> {
    let value = with_params(slf, field)?;
    Ok(convert::to_py(slf.py(), value))
}

/// A number field of this object's state, as a Python int or float.
pub(crate) fn num_state<K: 'static>(
    slf: &Bound<'_, PyLRScheduler>,
    field: impl FnOnce(&K) -> Num,
) -> PyResult<Py<PyAny>> {
    let value = with_state(slf, field)?;
    Ok(convert::to_py(slf.py(), value))
}

/// Whether `ty` is one of fastwarmup's own classes (`LRScheduler` or a native schedule), not a
/// Python subclass of one.
pub(crate) fn is_native_class(ty: &Bound<'_, PyType>) -> bool {
    let py = ty.py();
    macro_rules! any_is {
        ($($class:ty),*) => { ty.is(py.get_type::<PyLRScheduler>()) $(|| ty.is(py.get_type::<$class>()))* };
    }
    native_classes!(any_is)
}

/// Whether a Python class in `ty`'s method order, before the first fastwarmup class, defines
/// one of `names` (a `step` descriptor `fast_step` installed does not count). Methods found
/// after it (a mixin listed after the fastwarmup base, paddle's own classes in
/// `fastwarmup.paddle`) are never reached, so they override nothing.
pub(crate) fn overrides(ty: &Bound<'_, PyType>, names: &[&str]) -> PyResult<bool> {
    for class in ty.mro().iter() {
        let class = class.cast_into::<PyType>()?;
        if is_native_class(&class) {
            return Ok(false);
        }
        let dict = class.getattr("__dict__")?;
        for name in names {
            if let Ok(value) = dict.get_item(*name) {
                if !(*name == "step" && fast_step::is_installed(&class, &value)?) {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// The first fastwarmup class in `ty`'s method order (`None` for a class that has none).
pub(crate) fn first_native_class<'py>(
    ty: &Bound<'py, PyType>,
) -> PyResult<Option<Bound<'py, PyType>>> {
    for class in ty.mro().iter() {
        let class = class.cast_into::<PyType>()?;
        if is_native_class(&class) {
            return Ok(Some(class));
        }
    }
    Ok(None)
}

/// Whether `obj` can be stepped in Rust when nested: a fastwarmup schedule, or an instance of
/// a Python subclass of one that overrides none of the methods paddle's `LinearWarmup` reaches
/// through it (`step`, `__call__`, `get_lr`, `_get_closed_form_lr`, or attribute lookup
/// itself), on its class or on the instance. Decided when the `LinearWarmup` is built: a
/// method assigned to the class afterwards is not seen.
pub(crate) fn steps_natively(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let Ok(sched) = obj.cast::<PyLRScheduler>() else {
        return Ok(false);
    };
    if !sched.get().is_native() {
        return Ok(false);
    }
    let own = obj.getattr("__dict__")?;
    for name in ["step", "get_lr", "_get_closed_form_lr"] {
        if own.contains(name)? {
            return Ok(false);
        }
    }
    let ty = obj.get_type();
    // A bare `LRScheduler` has no schedule of its own to step.
    let has_schedule = first_native_class(&ty)?
        .is_some_and(|class| !class.is(obj.py().get_type::<PyLRScheduler>()));
    Ok(has_schedule && !overrides(&ty, &["step", "__call__", "__getattribute__"])?)
}

/// The name `verbose` prints for an instance of `ty`: `None` for fastwarmup's own classes and
/// subclasses of the same name (their kernel's), else the Python class's name, read when the
/// scheduler is constructed.
pub(crate) fn display_name(ty: &Bound<'_, PyType>) -> PyResult<Option<Arc<str>>> {
    let name = ty.name()?.to_string();
    match first_native_class(ty)? {
        Some(class) if class.name()?.to_string() == name => Ok(None),
        _ => Ok(Some(name.into())),
    }
}

/// Register the classes in the native module, each with its own `step` (see `fast_step`).
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyLRScheduler>()?;
    fast_step::install(&py.get_type::<PyLRScheduler>(), StepRule::Base)?;
    macro_rules! add_all {
        ($($class:ty),*) => { $(
            m.add_class::<$class>()?;
            fast_step::install(&py.get_type::<$class>(), StepRule::Class)?;
        )* };
    }
    native_classes!(add_all);
    Ok(())
}
