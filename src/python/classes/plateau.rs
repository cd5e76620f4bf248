//! `ReduceOnPlateau`'s binding: its own `step(metrics, epoch=None)`, and the `metrics` values
//! paddle accepts (Python numbers, NumPy float scalars, size-1 arrays and Tensors).

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyFloat, PyInt, PyTuple, PyType};

use crate::error::CoreError;
use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::{num_attribute, with_kernel};
use crate::python::convert;
use crate::python::scheduler::{
    commit_state, install, parse_state, print_lines, state_dict_of, PyLRScheduler,
};
use crate::schedule::Log;
use crate::schedules::metric::{Metric, Value};
use crate::schedules::plateau::PlateauArgs;
use crate::schedules::ReduceOnPlateau;

/// Reduce the learning rate when a metric stops improving, as
/// `paddle.optimizer.lr.ReduceOnPlateau`.
///
/// `step(metrics)` counts the steps without improvement, where improving means
/// `metrics < best - best * threshold` (`mode='min'`, `threshold_mode='rel'`),
/// `metrics < best - threshold` (`'abs'`), or `>` with `+` for `mode='max'`. After more than
/// `patience` of them, `lr = max(lr * factor, min_lr)` (kept only if it drops by more than
/// `epsilon`), then `cooldown` steps are ignored. `metrics` may be an int, a float, a NumPy
/// float32/float64 scalar, or a NumPy array or paddle Tensor of size 1; a float32 one is
/// compared in float32, as paddle does. The constructor does not step (`last_epoch` is 0).
/// `precompute(n)` returns the current value `n` times: what follows depends on metrics not
/// yet seen.
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "ReduceOnPlateau", module = "fastwarmup.lr")]
pub struct PyReduceOnPlateau;

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
fn metric_of(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Metric> {
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

/// `best` as paddle keeps it: the metrics object's kind and dtype. A NumPy scalar or array
/// stays one (so a float32 `best` keeps comparing in float32 after a reload), a paddle Tensor
/// becomes a Python float (as paddle's `state_dict` makes it), a Python number stays one.
fn best_to_py(py: Python<'_>, best: Option<Metric>) -> PyResult<Py<PyAny>> {
    let Some(best) = best else {
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

/// The `best` of a state dict, when it is a dict with a `best` that is not `None`.
fn saved_best(state_dict: &Bound<'_, PyAny>) -> PyResult<Option<Metric>> {
    let Ok(dict) = state_dict.cast::<PyDict>() else {
        return Ok(None);
    };
    match dict.get_item("best")? {
        Some(best) if !best.is_none() => metric_of(&best, "state_dict['best']").map(Some),
        _ => Ok(None),
    }
}

fn plateau_attribute<R>(
    slf: &Bound<'_, PyReduceOnPlateau>,
    field: impl FnOnce(&ReduceOnPlateau) -> R,
) -> PyResult<R> {
    with_kernel(slf.as_super(), field)
}

fn num_field(
    slf: &Bound<'_, PyReduceOnPlateau>,
    field: impl FnOnce(&ReduceOnPlateau) -> Num,
) -> PyResult<Py<PyAny>> {
    num_attribute(slf.as_super(), field)
}

#[pymethods]
impl PyReduceOnPlateau {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, mode='min', factor=0.1, patience=10, threshold=0.0001, threshold_mode='rel', cooldown=0, min_lr=0, epsilon=1e-08, verbose=False)")]
    fn __new__(
        _args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyClassInitializer<Self> {
        PyClassInitializer::from(PyLRScheduler::placeholder()).add_subclass(Self)
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __init__(
        slf: &Bound<'_, Self>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let a = Args::bind(
            "ReduceOnPlateau",
            &[
                "learning_rate",
                "mode",
                "factor",
                "patience",
                "threshold",
                "threshold_mode",
                "cooldown",
                "min_lr",
                "epsilon",
                "verbose",
            ],
            args,
            kwargs,
        )?;
        let kernel = ReduceOnPlateau::new(&PlateauArgs {
            mode: a.name_or("mode", "min")?,
            factor: a.num_or("factor", Num::Float(0.1))?,
            threshold_mode: a.name_or("threshold_mode", "rel")?,
            learning_rate: a.num("learning_rate")?,
            patience: a.num_or("patience", Num::Int(10))?,
            threshold: a.num_or("threshold", Num::Float(1e-4))?,
            cooldown: a.num_or("cooldown", Num::Int(0))?,
            min_lr: a.num_or("min_lr", Num::Int(0))?,
            epsilon: a.num_or("epsilon", Num::Float(1e-8))?,
            verbose: a.flag("verbose")?,
        })?;
        // paddle's constructor does not step, and its step never calls get_lr.
        install(slf.as_super(), &a, Box::new(kernel), false)
    }

    /// Count a step with `metrics` and reduce the learning rate after `patience` steps
    /// without improvement; `last_epoch` advances by one, or is set to `epoch`.
    #[pyo3(signature = (metrics, epoch=None), text_signature = "($self, metrics, epoch=None)")]
    fn step(
        slf: &Bound<'_, Self>,
        metrics: &Bound<'_, PyAny>,
        epoch: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let epoch = convert::epoch(epoch)?;
        let metrics = metric_of(metrics, "metrics")?;
        let sched = slf.as_super();
        let mut log = Log::new();
        let verbose = sched.get().cell.update(|k| {
            let verbose = k.common().verbose;
            k.as_any_mut()
                .downcast_mut::<ReduceOnPlateau>()
                .ok_or_else(|| CoreError::runtime("scheduler used before __init__ completed"))?
                .step_metrics(metrics, epoch, &mut log)?;
            Ok(verbose)
        })?;
        print_lines(sched, &log, verbose)
    }

    /// paddle's state dict; `best` keeps its NumPy type, as paddle's does.
    fn state_dict<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyDict>> {
        let out = state_dict_of(slf.as_super())?;
        if out.contains("best")? {
            let best = plateau_attribute(slf, |k| k.best)?;
            out.set_item("best", best_to_py(slf.py(), best)?)?;
        }
        Ok(out)
    }

    /// Load a state dict (from fastwarmup or paddle). A `best` paddle saved as a NumPy value
    /// keeps its arithmetic (a float32 one compares in float32).
    fn set_state_dict(slf: &Bound<'_, Self>, state_dict: &Bound<'_, PyAny>) -> PyResult<()> {
        let sched = slf.as_super();
        let Some(best) = saved_best(state_dict)? else {
            let pending = parse_state(sched, state_dict, &[])?;
            return commit_state(sched, pending);
        };
        // The shared loader reads `best` as a Python number; the metric is then put back.
        let plain = state_dict.call_method0("copy")?;
        plain.set_item("best", convert::to_py(slf.py(), best.as_num()))?;
        let pending = parse_state(sched, &plain, &[])?;
        commit_state(sched, pending)?;
        Ok(sched.get().cell.update(|k| {
            if let Some(plateau) = k.as_any_mut().downcast_mut::<ReduceOnPlateau>() {
                plateau.best = Some(best);
            }
            Ok(())
        })?)
    }

    /// `'min'` or `'max'`.
    #[getter]
    fn mode(slf: &Bound<'_, Self>) -> PyResult<&'static str> {
        plateau_attribute(slf, |k| k.mode.name())
    }
    /// `'rel'` or `'abs'`.
    #[getter]
    fn threshold_mode(slf: &Bound<'_, Self>) -> PyResult<&'static str> {
        plateau_attribute(slf, |k| k.threshold_mode.name())
    }
    #[getter]
    fn factor(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.factor)
    }
    #[getter]
    fn patience(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.patience)
    }
    #[getter]
    fn threshold(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.threshold)
    }
    #[getter]
    fn cooldown(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.cooldown)
    }
    #[getter]
    fn min_lr(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.min_lr)
    }
    #[getter]
    fn epsilon(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.epsilon)
    }
    /// Steps left to ignore after a reduction.
    #[getter]
    fn cooldown_counter(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.cooldown_counter)
    }
    /// Steps without improvement so far.
    #[getter]
    fn num_bad_epochs(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        num_field(slf, |k| k.num_bad_epochs)
    }
    /// The best metrics so far (`None` before the first step): a NumPy value keeps its type.
    #[getter]
    fn best(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let best = plateau_attribute(slf, |k| k.best)?;
        best_to_py(slf.py(), best)
    }
}
