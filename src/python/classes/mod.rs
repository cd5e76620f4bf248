//! The concrete scheduler classes, one module each: argument conversion into kernels and
//! attribute getters. Every class derives from `LRScheduler` and inherits its methods.

#[macro_use]
mod rate_and_one;

mod cosine_annealing;
mod cyclic;
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
mod piecewise;
mod plateau;
mod polynomial;
mod step;
mod warm_restarts;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::pyops::Num;
use crate::python::convert;
use crate::python::fast_step;
use crate::python::scheduler::{PyLRScheduler, StepRule};

pub(crate) use linear_warmup::copy_kernel;

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
            plateau::PyReduceOnPlateau
        )
    };
}

/// Read a field of this object's kernel, downcast to its concrete type.
pub(crate) fn with_kernel<K: 'static, R>(
    slf: &Bound<'_, PyLRScheduler>,
    f: impl FnOnce(&K) -> R,
) -> PyResult<R> {
    slf.get()
        .cell
        .read(|k| k.as_any().downcast_ref::<K>().map(f))?
        .ok_or_else(|| PyRuntimeError::new_err("scheduler used before __init__ completed"))
}

/// A number field of this object's kernel, as the Python int or float it was given as.
pub(crate) fn num_attribute<K: 'static>(
    slf: &Bound<'_, PyLRScheduler>,
    field: impl FnOnce(&K) -> Num,
) -> PyResult<Py<PyAny>> {
    let value = with_kernel(slf, field)?;
    Ok(convert::to_py(slf.py(), value))
}

/// Whether `obj` is an instance of exactly one of fastwarmup's classes (not a Python
/// subclass), so it can be stepped in Rust.
pub(crate) fn is_builtin_scheduler(obj: &Bound<'_, PyAny>) -> bool {
    let py = obj.py();
    let ty = obj.get_type();
    macro_rules! any_is {
        ($($class:ty),*) => { false $(|| ty.is(py.get_type::<$class>()))* };
    }
    obj.cast::<PyLRScheduler>()
        .is_ok_and(|s| s.get().is_native())
        && native_classes!(any_is)
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
