//! A Python callable behind the core's `Callback` trait.

use pyo3::prelude::*;

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
            convert::lr_value(&result, "the callable").map_err(carry)
        })
    }

    fn clone_box(&self) -> Box<dyn Callback> {
        Python::attach(|py| Box::new(PyCallback(self.0.clone_ref(py))))
    }
}
