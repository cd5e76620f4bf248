//! A Python object with paddle's scheduler protocol, nested in a fastwarmup `LinearWarmup`.

use std::sync::Arc;

use pyo3::prelude::*;

use crate::cell::SchedCell;
use crate::error::CoreResult;
use crate::nested::Foreign;
use crate::pyops::Num;
use crate::python::classes::{overrides, PyLinearWarmup};
use crate::python::convert;
use crate::python::errors::carry;
use crate::python::scheduler::PyLRScheduler;
use crate::schedule::{Common, Kernel, StateValue};

/// Steps and reads the object through Python calls.
pub struct PyForeign {
    object: Py<PyAny>,
    /// For a fastwarmup scheduler whose state is all in its kernel (a Python subclass that
    /// overrides how it steps, but not its state dict, and nests nothing): its cell, so that a
    /// rejected step is undone from a snapshot of the kernel instead of a `state_dict()` round
    /// trip through Python at every step.
    cell: Option<Arc<SchedCell>>,
}

/// A kernel's state, saved to undo a step (see `PyForeign::cell`).
struct KernelState(Common, Vec<(&'static str, StateValue)>);

impl PyForeign {
    /// Wrap `object`, noting whether its state can be saved from its kernel.
    pub fn new(object: &Bound<'_, PyAny>) -> PyResult<Self> {
        let cell = match object.cast::<PyLRScheduler>() {
            Ok(sched)
                if !object.is_instance_of::<PyLinearWarmup>()
                    && !overrides(
                        &object.get_type(),
                        &["state_dict", "set_state_dict", "state_keys"],
                    )? =>
            {
                Some(Arc::clone(&sched.get().cell))
            }
            _ => None,
        };
        Ok(Self {
            object: object.clone().unbind(),
            cell,
        })
    }
}

impl Foreign for PyForeign {
    fn step(&self, epoch: i64) -> CoreResult<()> {
        Python::attach(|py| {
            self.object
                .bind(py)
                .call_method1("step", (epoch,))
                .map(|_| ())
                .map_err(carry)
        })
    }

    fn value(&self) -> CoreResult<Num> {
        Python::attach(|py| {
            let value = self.object.bind(py).call0().map_err(carry)?;
            convert::lr_value(&value, "the nested scheduler").map_err(carry)
        })
    }

    fn save(&self) -> CoreResult<Box<dyn std::any::Any + Send + Sync>> {
        if let Some(cell) = &self.cell {
            let saved = cell.read(|k| KernelState(k.common().clone(), k.extra_state()))?;
            return Ok(Box::new(saved));
        }
        Python::attach(|py| {
            let state = self
                .object
                .bind(py)
                .call_method0("state_dict")
                .map_err(carry)?;
            Ok(Box::new(state.unbind()) as Box<dyn std::any::Any + Send + Sync>)
        })
    }

    fn restore(&self, saved: Box<dyn std::any::Any + Send + Sync>) -> CoreResult<()> {
        let saved = match (saved.downcast::<KernelState>(), &self.cell) {
            (Ok(state), Some(cell)) => {
                let KernelState(common, extra) = *state;
                return cell.update(|k| {
                    *k.common_mut() = common;
                    k.load_extra_state(&extra)
                });
            }
            (Ok(_), None) => return Ok(()),
            (Err(other), _) => other,
        };
        let Ok(state) = saved.downcast::<Py<PyAny>>() else {
            return Ok(());
        };
        Python::attach(|py| {
            self.object
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
            let mut obj = self.object.bind(py).clone();
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
                .and_then(|m| m.call_method1("deepcopy", (self.object.bind(py),)))
                .map_err(carry)?;
            let copy = PyForeign::new(&copy).map_err(carry)?;
            Ok(Box::new(copy) as Box<dyn Foreign>)
        })
    }
}
