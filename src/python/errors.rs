//! `CoreError` -> Python exceptions.

use pyo3::exceptions::{
    PyNotImplementedError, PyOverflowError, PyRuntimeError, PyTypeError, PyValueError,
    PyZeroDivisionError,
};
use pyo3::PyErr;

use crate::error::CoreError;

impl From<CoreError> for PyErr {
    fn from(err: CoreError) -> PyErr {
        match err {
            CoreError::Value(m) => PyValueError::new_err(m),
            CoreError::Type(m) => PyTypeError::new_err(m),
            CoreError::ZeroDivision(m) => PyZeroDivisionError::new_err(m),
            CoreError::Overflow(m) => PyOverflowError::new_err(m),
            CoreError::Runtime(m) => PyRuntimeError::new_err(m),
            CoreError::NotImplemented(m) => PyNotImplementedError::new_err(m),
            CoreError::External(payload) => match payload.downcast::<PyErr>() {
                Ok(err) => *err,
                Err(_) => PyRuntimeError::new_err("an error of unknown origin crossed the core"),
            },
        }
    }
}

/// Carry a Python exception (from user code) through the core unchanged.
pub fn carry(err: PyErr) -> CoreError {
    CoreError::External(Box::new(err))
}
