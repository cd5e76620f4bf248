//! A Python object with paddle's scheduler protocol, nested in a fastwarmup `LinearWarmup`.

use pyo3::prelude::*;

use crate::error::CoreResult;
use crate::nested::Foreign;
use crate::pyops::Num;
use crate::python::convert;
use crate::python::errors::carry;
use crate::python::scheduler::PyLRScheduler;
use crate::schedule::Kernel;

/// Steps and reads the object through Python calls.
pub struct PyForeign(pub Py<PyAny>);

impl Foreign for PyForeign {
    fn step(&self, epoch: i64) -> CoreResult<()> {
        Python::attach(|py| {
            self.0
                .bind(py)
                .call_method1("step", (epoch,))
                .map(|_| ())
                .map_err(carry)
        })
    }

    fn value(&self) -> CoreResult<Num> {
        Python::attach(|py| {
            let value = self.0.bind(py).call0().map_err(carry)?;
            convert::lr_value(&value, "the nested scheduler").map_err(carry)
        })
    }

    fn save(&self) -> CoreResult<Box<dyn std::any::Any + Send + Sync>> {
        Python::attach(|py| {
            let state = self.0.bind(py).call_method0("state_dict").map_err(carry)?;
            Ok(Box::new(state.unbind()) as Box<dyn std::any::Any + Send + Sync>)
        })
    }

    fn restore(&self, saved: Box<dyn std::any::Any + Send + Sync>) -> CoreResult<()> {
        let Ok(state) = saved.downcast::<Py<PyAny>>() else {
            return Ok(());
        };
        Python::attach(|py| {
            self.0
                .bind(py)
                .call_method1("set_state_dict", (state.bind(py),))
                .map(|_| ())
                .map_err(carry)
        })
    }

    /// Each object down the chain of `learning_rate` schedulers (paddle's `LinearWarmup`
    /// nests one there) is a level; a fastwarmup scheduler met on the way adds its own depth.
    fn nesting_depth(&self, limit: usize) -> CoreResult<usize> {
        Python::attach(|py| {
            let mut obj = self.0.bind(py).clone();
            let mut depth = 0_usize;
            while depth <= limit {
                let Ok(inner) = obj.getattr("learning_rate") else {
                    break;
                };
                if let Ok(native) = inner.cast::<PyLRScheduler>() {
                    let cell = &native.get().cell;
                    let below = cell
                        .params(Kernel::nesting_depth)
                        .or_else(|_| cell.read(Kernel::nesting_depth))?;
                    return Ok(depth + 1 + below);
                }
                if !inner.hasattr("step").unwrap_or(false) {
                    break;
                }
                depth += 1;
                obj = inner;
            }
            Ok(depth)
        })
    }

    fn deep_clone(&self) -> CoreResult<Box<dyn Foreign>> {
        Python::attach(|py| {
            let copy = py
                .import("copy")
                .and_then(|m| m.call_method1("deepcopy", (self.0.bind(py),)))
                .map_err(carry)?;
            Ok(Box::new(PyForeign(copy.unbind())) as Box<dyn Foreign>)
        })
    }
}
