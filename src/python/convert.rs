//! Python objects <-> core values, with errors that name the argument and its value.

use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::pyops::Num;
use crate::schedules::staircase::Sequence;

/// `type value`, for error messages.
pub fn describe(obj: &Bound<'_, PyAny>) -> String {
    let type_name = obj
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |n| n.to_string());
    let text = obj
        .repr()
        .map_or_else(|_| "?".to_owned(), |r| r.to_string());
    format!("{type_name} {text}")
}

/// `obj` (an int or an `__index__` object) as an i64; `expected` says what `name` takes, for
/// an `__index__` that refuses (a NumPy float array).
fn int_of(obj: &Bound<'_, PyAny>, name: &str, expected: &str) -> PyResult<i64> {
    obj.extract::<i64>().map_err(|err| {
        if err.is_instance_of::<PyOverflowError>(obj.py()) {
            PyValueError::new_err(format!(
                "{name}={} is out of range: fastwarmup supports signed 64-bit integers",
                describe(obj)
            ))
        } else if err.is_instance_of::<PyTypeError>(obj.py()) {
            PyTypeError::new_err(format!("{name} must be {expected}, got {}", describe(obj)))
        } else {
            err
        }
    })
}

/// Whether `obj` is a Python int or an integer-like object (`__index__`, e.g. numpy ints).
fn is_integer(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyInt>()
        || (!obj.is_instance_of::<PyFloat>() && obj.hasattr("__index__").unwrap_or(false))
}

/// An int or float argument (`learning_rate`, `end_lr`, `power`, ...).
pub fn num(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Num> {
    if obj.is_instance_of::<PyFloat>() {
        return Ok(Num::Float(obj.extract::<f64>()?));
    }
    if is_integer(obj) {
        return int_of(obj, name, "an int or a float").map(Num::Int);
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be an int or a float, got {}",
        describe(obj)
    )))
}

/// A sequence of numbers (`boundaries`, `values`, `milestones`), read as paddle reads it, with
/// `len()` and indexing; a wrong element is named `name[i]`.
pub fn num_sequence(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Sequence> {
    let len = obj.len().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a sequence of numbers, got {}",
            describe(obj)
        ))
    })?;
    let items = (0..len)
        .map(|i| num(&obj.get_item(i)?, &format!("{name}[{i}]")))
        .collect::<PyResult<Vec<Num>>>()?;
    Ok(Sequence {
        items,
        is_tuple: obj.is_instance_of::<PyTuple>(),
    })
}

/// A sequence of numbers as the list or tuple it was given as.
pub fn sequence_to_py(py: Python<'_>, sequence: &Sequence) -> PyResult<Py<PyAny>> {
    let items = sequence.items.iter().map(|v| to_py(py, *v));
    Ok(if sequence.is_tuple {
        PyTuple::new(py, items)?.into_any().unbind()
    } else {
        PyList::new(py, items)?.into_any().unbind()
    })
}

/// An argument paddle requires to be a Python float (`isinstance(x, float)`, e.g.
/// `phase_pct`): ints are refused.
pub fn float(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    if obj.is_instance_of::<PyFloat>() {
        return obj.extract::<f64>();
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be a float, got {}",
        describe(obj)
    )))
}

/// A str argument (`mode`, ...) for a value paddle only compares with names: anything else is
/// passed on as its `repr()`, which no name matches.
pub fn name(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(text) => Ok(text.to_str()?.to_owned()),
        Err(_) => Ok(obj.repr()?.to_string()),
    }
}

/// An int argument (`decay_steps`, `warmup_steps`, `epoch`, ...): floats are refused.
pub fn int(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<i64> {
    if is_integer(obj) {
        return int_of(obj, name, "an int");
    }
    Err(PyTypeError::new_err(format!(
        "{name} must be an int, got {}",
        describe(obj)
    )))
}

/// A non-negative count (`n` of `precompute`).
pub fn count(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<usize> {
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int, got {}",
            describe(obj)
        )));
    }
    let value = int(obj, name)?;
    usize::try_from(value)
        .map_err(|_| PyValueError::new_err(format!("{name} must be >= 0, got {value}")))
}

/// An optional epoch: `None` or an int.
pub fn epoch(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    obj.map(|e| int(e, "epoch")).transpose()
}

/// A value a scheduler returned (`get_lr()`, a nested scheduler's `__call__`): an int stays
/// an int, anything else goes through `float()`.
pub fn lr_value(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Num> {
    if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
        return Ok(Num::Int(int_of(obj, what, "a number")?));
    }
    obj.extract::<f64>().map(Num::Float).map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must return a number, got {}",
            describe(obj)
        ))
    })
}

/// A core number as a Python int or float.
pub fn to_py(py: Python<'_>, value: Num) -> Py<PyAny> {
    match value {
        Num::Float(f) => PyFloat::new(py, f).into_any().unbind(),
        Num::Int(i) => i.into_pyobject(py).map_or_else(
            |_| PyFloat::new(py, i as f64).into_any().unbind(),
            |o| o.into_any().unbind(),
        ),
    }
}

/// The one optional argument of `method(name=None)`, from a call's positional arguments and
/// `(keyword, value)` pairs, with CPython's messages for a wrong call. `None` when it is missing
/// or `None`.
pub fn single_optional_arg<'a, 'py>(
    method: &str,
    name: &str,
    positional: &[Borrowed<'a, 'py, PyAny>],
    keywords: &[(Borrowed<'a, 'py, PyAny>, Borrowed<'a, 'py, PyAny>)],
) -> PyResult<Option<Borrowed<'a, 'py, PyAny>>> {
    if positional.len() > 1 {
        return Err(PyTypeError::new_err(format!(
            "{method}() takes at most 1 argument ({} given)",
            positional.len()
        )));
    }
    let mut value = positional.first().copied();
    for (key, item) in keywords {
        if key.extract::<&str>().ok() != Some(name) {
            return Err(PyTypeError::new_err(format!(
                "{method}() got an unexpected keyword argument {}",
                key.repr()?
            )));
        }
        if value.is_some() {
            return Err(PyTypeError::new_err(format!(
                "{method}() got multiple values for argument '{name}'"
            )));
        }
        value = Some(*item);
    }
    Ok(value.filter(|v| !v.is_none()))
}
