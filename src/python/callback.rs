//! A Python callable behind the core's `Callback` trait.

use std::any::Any;

use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt};

use crate::callback::Callback;
use crate::error::CoreResult;
use crate::pyops::Num;
use crate::python::convert;
use crate::python::errors::carry;

/// Calls the object with one int or float argument.
pub struct PyCallback(pub Py<PyAny>);

impl Callback for PyCallback {
    fn call(&self, arg: Num) -> CoreResult<Num> {
        Python::attach(|py| {
            let result = self
                .0
                .bind(py)
                .call1((convert::to_py(py, arg),))
                .map_err(carry)?;
            factor_of(&result).map_err(carry)
        })
    }

    fn clone_box(&self) -> Box<dyn Callback> {
        Python::attach(|py| Box::new(PyCallback(self.0.clone_ref(py))))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    /// Python's pending signals: a function written in Python lets the interpreter raise
    /// them inside it, a builtin one does not.
    fn check_interrupt(&self) -> CoreResult<()> {
        Python::attach(|py| py.check_signals().map_err(carry))
    }
}

/// The callable's result as the number paddle multiplies a float by: an int stays an int
/// (one beyond 64 bits becomes the float Python's `float * int` converts it to, or raises the
/// same OverflowError); anything else goes through `float()`.
fn factor_of(value: &Bound<'_, PyAny>) -> PyResult<Num> {
    if value.is_instance_of::<PyInt>() {
        return match value.extract::<i64>() {
            Ok(i) => Ok(Num::Int(i)),
            Err(err) if err.is_instance_of::<PyOverflowError>(value.py()) => {
                value.extract::<f64>().map(Num::Float)
            }
            Err(err) => Err(err),
        };
    }
    if value.is_instance_of::<PyFloat>() {
        return value.extract::<f64>().map(Num::Float);
    }
    value.extract::<f64>().map(Num::Float).map_err(|_| {
        PyTypeError::new_err(format!(
            "the function must return a number, got {}",
            convert::describe(value)
        ))
    })
}

/// A user's callable argument (`lr_lambda`, `scale_fn`): paddle's `callable()` check.
pub fn callback_of(obj: &Bound<'_, PyAny>, name: &str, class: &str) -> PyResult<Box<dyn Callback>> {
    if !obj.is_callable() {
        return Err(PyTypeError::new_err(format!(
            "The type of '{name}' in '{class}' must be 'function', but received {}.",
            obj.get_type().name()?
        )));
    }
    Ok(Box::new(PyCallback(obj.clone().unbind())))
}
