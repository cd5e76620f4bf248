//! Constructor arguments bound from `*args, **kwargs` by parameter name.
//!
//! PyO3 signatures turn an explicit `None` into "use the default"; paddle refuses
//! `PolynomialDecay(0.1, 10, end_lr=None)`. Binding by hand keeps `None` visible, so it is
//! refused like any other wrong value, and every error names the argument.

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use crate::pyops::Num;
use crate::python::convert;

/// The arguments of one call, by parameter name.
pub struct Args<'py> {
    function: &'static str,
    names: &'static [&'static str],
    values: Vec<Option<Bound<'py, PyAny>>>,
}

impl<'py> Args<'py> {
    /// Bind positional arguments in order, then keywords by name, as Python does.
    pub fn bind(
        function: &'static str,
        names: &'static [&'static str],
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Self> {
        if args.len() > names.len() {
            return Err(PyTypeError::new_err(format!(
                "{function}() takes at most {} arguments ({} given)",
                names.len(),
                args.len()
            )));
        }
        let mut values: Vec<Option<Bound<'py, PyAny>>> = vec![None; names.len()];
        for (slot, value) in values.iter_mut().zip(args.iter()) {
            *slot = Some(value);
        }
        if let Some(kwargs) = kwargs {
            for (key, value) in kwargs.iter() {
                let key = key.extract::<String>()?;
                let Some(index) = names.iter().position(|n| *n == key) else {
                    return Err(PyTypeError::new_err(format!(
                        "{function}() got an unexpected keyword argument '{key}'"
                    )));
                };
                if values[index].is_some() {
                    return Err(PyTypeError::new_err(format!(
                        "{function}() got multiple values for argument '{key}'"
                    )));
                }
                values[index] = Some(value);
            }
        }
        Ok(Self {
            function,
            names,
            values,
        })
    }

    /// The class (or function) these arguments were given to.
    pub fn function(&self) -> &'static str {
        self.function
    }

    /// The given arguments as keywords, to make the same call again (pickling records it).
    /// A mutable sequence (`boundaries`, `values`, `milestones`: a list, a NumPy array, ...) is
    /// recorded as a new list of its items: the schedule took them at the call, so later
    /// changes to the caller's object are not part of it.
    pub fn as_keywords(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for (name, value) in self.names.iter().zip(&self.values) {
            let Some(value) = value else { continue };
            if is_item_sequence(value) {
                let len = value.len()?;
                let items = (0..len)
                    .map(|i| value.get_item(i))
                    .collect::<PyResult<Vec<_>>>()?;
                out.set_item(*name, PyList::new(py, items)?)?;
            } else {
                out.set_item(*name, value)?;
            }
        }
        Ok(out)
    }

    /// The argument, if given.
    pub fn optional(&self, name: &str) -> PyResult<Option<&Bound<'py, PyAny>>> {
        let index = self.names.iter().position(|n| *n == name).ok_or_else(|| {
            PyRuntimeError::new_err(format!("{}() has no parameter {name}", self.function))
        })?;
        Ok(self.values[index].as_ref())
    }

    /// The argument, which must be given.
    pub fn required(&self, name: &str) -> PyResult<&Bound<'py, PyAny>> {
        self.optional(name)?.ok_or_else(|| {
            PyTypeError::new_err(format!(
                "{}() missing required argument: '{name}'",
                self.function
            ))
        })
    }

    /// A required int or float.
    pub fn num(&self, name: &str) -> PyResult<Num> {
        convert::num(self.required(name)?, name)
    }

    /// An int or float, `default` when not given.
    pub fn num_or(&self, name: &str, default: Num) -> PyResult<Num> {
        self.optional(name)?
            .map_or(Ok(default), |v| convert::num(v, name))
    }

    /// A Python float (paddle checks `isinstance(x, float)`), `default` when not given.
    pub fn float_or(&self, name: &str, default: f64) -> PyResult<f64> {
        self.optional(name)?
            .map_or(Ok(default), |v| convert::float(v, name))
    }

    /// A mode name (`'min'`, `'triangular'`, ...), `default` when not given.
    pub fn name_or(&self, name: &str, default: &str) -> PyResult<String> {
        self.optional(name)?
            .map_or(Ok(default.to_owned()), convert::name)
    }

    /// An argument whose `None` means "not given" (`scale_fn=None`, `step_size_down=None`).
    pub fn not_none(&self, name: &str) -> PyResult<Option<&Bound<'py, PyAny>>> {
        Ok(self.optional(name)?.filter(|v| !v.is_none()))
    }

    /// A required int.
    pub fn int(&self, name: &str) -> PyResult<i64> {
        convert::int(self.required(name)?, name)
    }

    /// An int, `default` when not given.
    pub fn int_or(&self, name: &str, default: i64) -> PyResult<i64> {
        self.optional(name)?
            .map_or(Ok(default), |v| convert::int(v, name))
    }

    /// A truth value (`cycle`, `verbose`, `three_phase`), `False` when not given.
    pub fn flag(&self, name: &str) -> PyResult<bool> {
        self.optional(name)?.map_or(Ok(false), Bound::is_truthy)
    }

    /// `last_epoch` (default -1) and `verbose` (default `False`), which every class takes.
    pub fn construction_state(&self) -> PyResult<(i64, bool)> {
        Ok((self.int_or("last_epoch", -1)?, self.flag("verbose")?))
    }
}

/// A sequence the call read by index (`boundaries`, `values`, `milestones`) that could change
/// after it: anything with a length but a `str`, a `tuple` (kept, as the schedule keeps it) or
/// a callable (a scheduler, a function).
fn is_item_sequence(value: &Bound<'_, PyAny>) -> bool {
    !value.is_instance_of::<PyString>()
        && !value.is_instance_of::<PyBytes>()
        && !value.is_instance_of::<PyTuple>()
        && !value.is_callable()
        && value.len().is_ok()
}
