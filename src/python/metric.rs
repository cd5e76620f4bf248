//! The `metrics` values `ReduceOnPlateau` takes, as paddle accepts them (Python numbers,
//! NumPy float scalars, size-1 arrays and Tensors), and back as Python objects.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyFloat, PyInt, PyType};

use crate::pyops::Num;
use crate::python::convert;
use crate::schedules::metric::{Metric, Value};

/// `numpy.generic` and `numpy.ndarray`.
fn numpy_types(py: Python<'_>) -> PyResult<(&Bound<'_, PyType>, &Bound<'_, PyType>)> {
    static GENERIC: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static NDARRAY: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    Ok((
        GENERIC.import(py, "numpy", "generic")?,
        NDARRAY.import(py, "numpy", "ndarray")?,
    ))
}

fn type_error(obj: &Bound<'_, PyAny>, what: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "{what} must be 'int', 'float', 'np.float32', 'np.float64', 'numpy.ndarray' or \
         'paddle.Tensor', but received {}",
        convert::describe(obj)
    ))
}

/// The dtype's name without a framework prefix (`float32` for `paddle.float32`).
fn dtype_name(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let text = obj.getattr("dtype")?.str()?.to_string();
    Ok(text.rsplit('.').next().unwrap_or_default().to_owned())
}

/// A value of the dtype named `dtype`, from its Python `item`.
fn typed_value(item: &Bound<'_, PyAny>, dtype: &str, what: &str) -> PyResult<Value> {
    Ok(match dtype {
        "float32" => Value::F32(item.extract::<f64>()? as f32),
        "bool" => Value::Int(i64::from(item.is_truthy()?)),
        name if name.starts_with("int") || name.starts_with("uint") => {
            Value::Int(convert::int(item, what)?)
        }
        // float64, and the dtypes fastwarmup compares in float64 (float16, bfloat16).
        _ => Value::F64(item.extract::<f64>()?),
    })
}

/// The value of a NumPy array or a Tensor: paddle requires one element.
fn sized_value(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    let size = obj.getattr("size")?;
    if !size.eq(1)? {
        return Err(PyValueError::new_err(format!(
            "the size of {what} must be 1, but the current {what}.size is {}. Maybe that you \
             should call paddle.mean to process it first.",
            size.str()?
        )));
    }
    typed_value(&obj.call_method0("item")?, &dtype_name(obj)?, what)
}

/// `metrics` (or a `best` from a state dict) as paddle accepts it, with its arithmetic.
pub(crate) fn metric_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Metric> {
    if obj.is_exact_instance_of::<PyFloat>() {
        return Ok(Metric::Py(Num::Float(obj.extract::<f64>()?)));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(Metric::Py(Num::Int(convert::int(obj, what)?)));
    }
    let (generic, ndarray) = numpy_types(obj.py())?;
    if obj.is_instance(generic)? {
        // numpy.float64 (a float subclass) and numpy.float32 only, as paddle.
        return match dtype_name(obj)?.as_str() {
            name @ ("float32" | "float64") => {
                Ok(Metric::NumpyScalar(typed_value(obj, name, what)?))
            }
            _ => Err(type_error(obj, what)),
        };
    }
    if obj.is_instance_of::<PyFloat>() {
        return Ok(Metric::Py(Num::Float(obj.extract::<f64>()?)));
    }
    if obj.is_instance(ndarray)? {
        return Ok(Metric::NumpyArray(sized_value(obj, what)?));
    }
    if obj.hasattr("size")? && obj.hasattr("dtype")? {
        return Ok(Metric::Tensor(sized_value(obj, what)?));
    }
    Err(type_error(obj, what))
}

/// A stored metric (`best`) as paddle keeps it: the metrics object's kind and dtype. A NumPy
/// scalar or array stays one (so a float32 `best` keeps comparing in float32 after a reload),
/// a paddle Tensor becomes a Python float (as paddle's `state_dict` makes it), a Python number
/// stays one; `None` for no metric.
pub(crate) fn metric_to_py(py: Python<'_>, metric: Option<Metric>) -> PyResult<Py<PyAny>> {
    let Some(best) = metric else {
        return Ok(py.None());
    };
    let numpy = |value: Value, array: bool| -> PyResult<Py<PyAny>> {
        let np = py.import("numpy")?;
        let (number, dtype) = match value {
            Value::F64(v) => (convert::to_py(py, Num::Float(v)), "float64"),
            Value::F32(v) => (convert::to_py(py, Num::Float(f64::from(v))), "float32"),
            Value::Int(v) => (convert::to_py(py, Num::Int(v)), "int64"),
        };
        let typed = np.getattr(dtype)?.call1((number,))?;
        let out = if array {
            np.call_method1("array", ([typed],))?
        } else {
            typed
        };
        Ok(out.unbind())
    };
    match best {
        Metric::NumpyScalar(v) => numpy(v, false),
        Metric::NumpyArray(v) => numpy(v, true),
        Metric::Py(_) | Metric::Tensor(_) => Ok(convert::to_py(py, best.as_num())),
    }
}
