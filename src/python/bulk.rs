//! The bulk methods on the Python side: `precompute(n, *, dtype, out)`, `lr_at(steps, *,
//! dtype)` and `fastwarmup.precompute_many(schedulers, n, *, dtype)`.
//!
//! This module decides how a request is served (arguments, output array, memory limit); the
//! values come from `crate::bulk`. A schedule that runs in Rust is filled from a private copy
//! of its kernel with the GIL released (held only while a user's function is called); a
//! schedule with Python code in it (a Python `get_lr`, a foreign nest) is stepped as a Python
//! deep copy.

use std::sync::OnceLock;

use numpy::{PyArray1, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::IntoPyDict;
use rayon::prelude::*;

use crate::bulk::{self, Element};
use crate::python::convert;
use crate::python::interrupt::{self, PythonSignals, INLINE_WORK};
use crate::python::scheduler::PyLRScheduler;
use crate::schedule::Kernel;
use crate::schedules::linear_warmup::MAX_NESTING;

/// The element type of a bulk result.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dtype {
    F64,
    F32,
}

impl Dtype {
    /// `float64` or `float32`, from anything `numpy.dtype()` accepts; `None` is float64.
    fn parse(py: Python<'_>, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Self>> {
        let Some(dtype) = dtype.filter(|d| !d.is_none()) else {
            return Ok(None);
        };
        let resolved = py.import("numpy")?.call_method1("dtype", (dtype,))?;
        Self::named(&resolved.getattr("name")?.extract::<String>()?)
            .map(Some)
            .ok_or_else(|| {
                PyTypeError::new_err(format!(
                    "dtype must be numpy.float64 or numpy.float32, got {}",
                    convert::describe(dtype)
                ))
            })
    }

    fn named(name: &str) -> Option<Self> {
        match name {
            "float64" => Some(Self::F64),
            "float32" => Some(Self::F32),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::F64 => "float64",
            Self::F32 => "float32",
        }
    }
}

/// Run `$body` with `$t` the element type of `$dtype` (`f64` or `f32`).
macro_rules! with_element {
    ($dtype:expr, $t:ident => $body:expr) => {
        match $dtype {
            Dtype::F64 => {
                type $t = f64;
                $body
            }
            Dtype::F32 => {
                type $t = f32;
                $body
            }
        }
    };
}

/// The total memory of this machine, to refuse impossible sizes up front.
fn memory_limit() -> Option<u64> {
    static LIMIT: OnceLock<Option<u64>> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        let info = std::fs::read_to_string("/proc/meminfo").ok()?;
        let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        kib.checked_mul(1024)
    })
}

/// A new C-contiguous array of zeros: NumPy's `calloc`, whose pages the kernel maps (zeroed)
/// on first touch, so the fill's own threads touch them, in parallel, and nothing is written
/// twice.
fn zeros<T: numpy::Element, D: numpy::ndarray::IntoDimension>(
    py: Python<'_>,
    dims: D,
) -> Bound<'_, numpy::PyArray<T, D::Dim>> {
    numpy::PyArray::zeros(py, dims, false)
}

/// `array`'s values, to fill (an array this module made, or a checked `out`).
fn slice_of<'a, T: numpy::Element, D: numpy::ndarray::Dimension>(
    guard: &'a mut numpy::PyReadwriteArray<'_, T, D>,
) -> PyResult<&'a mut [T]> {
    guard
        .as_slice_mut()
        .map_err(|_| PyValueError::new_err("out must be C-contiguous"))
}

/// How a scheduler's values are produced.
enum Source {
    /// A copy of its kernel, which calls no Python: filled without the GIL.
    Detached(Box<dyn Kernel>),
    /// A copy of its kernel, which calls a user's function: filled with the GIL.
    Attached(Box<dyn Kernel>),
    /// Python code decides its values: a deep copy is stepped in Python.
    Python,
}

/// The source of `sched`'s values, after checking that `n` values from the current one can be
/// produced (the error stepping would give, else).
fn source(sched: &Bound<'_, PyLRScheduler>, n: usize) -> PyResult<Source> {
    let this = sched.get();
    this.cell.read(|k| bulk::check_steps(k, n))??;
    if !this.is_native() || this.cell.read(Kernel::holds_foreign)? {
        return Ok(Source::Python);
    }
    let kernel = this.cell.snapshot()?;
    Ok(if kernel.calls_python() {
        Source::Attached(kernel)
    } else {
        Source::Detached(kernel)
    })
}

/// Whether filling `n` values of `kernel` is small enough to run from the calling thread.
fn is_small(kernel: &dyn Kernel, n: usize) -> bool {
    let work_per_value = if bulk::uses_all_cores(kernel) {
        1
    } else {
        // A stepped fill walks every level of nesting, on one core.
        16 * (kernel.nesting_depth() + 1)
    };
    n.saturating_mul(work_per_value) <= INLINE_WORK * 16
}

/// Turn `verbose` off down a deep copy's chain of nested schedulers (bulk fills print
/// nothing); an object that refuses is left as it is.
fn silence(copy: &Bound<'_, PyAny>) {
    let mut node = copy.clone();
    for _ in 0..=MAX_NESTING {
        if node.hasattr("verbose").unwrap_or(false) {
            let _ = node.setattr("verbose", false);
        }
        match node.getattr("learning_rate") {
            Ok(inner) if inner.hasattr("step").unwrap_or(false) => node = inner,
            _ => break,
        }
    }
}

/// Step a Python deep copy of `sched` through steps `0..=last` in order, handing each value
/// to `visit(step, value)`.
fn step_python_copy(
    sched: &Bound<'_, PyAny>,
    last: usize,
    mut visit: impl FnMut(usize, f64),
) -> PyResult<()> {
    let py = sched.py();
    let copy = py.import("copy")?.call_method1("deepcopy", (sched,))?;
    silence(&copy);
    for step in 0..=last {
        if step > 0 {
            copy.call_method0("step")?;
        }
        if step % 4096 == 4095 {
            py.check_signals()?;
        }
        let value = copy.call0()?;
        visit(step, convert::lr_value(&value, "the scheduler")?.as_f64());
    }
    Ok(())
}

/// Fill `out` with the next `out.len()` values of `sched`, whose `source` is given.
fn fill_from<T: Element>(sched: &Bound<'_, PyAny>, source: Source, out: &mut [T]) -> PyResult<()> {
    let py = sched.py();
    match source {
        Source::Detached(kernel) => {
            let inline = is_small(kernel.as_ref(), out.len());
            interrupt::run_detached(py, inline, |stop| bulk::fill_until(kernel, out, stop))
        }
        Source::Attached(kernel) => Ok(bulk::fill_until(kernel, out, &PythonSignals)?),
        Source::Python => match out.len().checked_sub(1) {
            None => Ok(()),
            Some(last) => step_python_copy(sched, last, |step, value| {
                out[step] = T::from_f64(value);
            }),
        },
    }
}

/// A caller's array for `out=`, checked before anything is computed or written: a NumPy
/// array, 1-D, `n` long, C-contiguous, writeable, of a float dtype that agrees with `dtype`.
fn checked_out<'py>(
    out: &Bound<'py, PyAny>,
    n: usize,
    dtype: Option<Dtype>,
) -> PyResult<(Bound<'py, PyUntypedArray>, Dtype)> {
    let array = out.cast::<PyUntypedArray>().map_err(|_| {
        let type_name = out
            .get_type()
            .name()
            .map_or_else(|_| "?".to_owned(), |n| n.to_string());
        PyTypeError::new_err(format!("out must be a numpy.ndarray, got {type_name}"))
    })?;
    let own = array.dtype().to_string();
    let Some(own_dtype) = Dtype::named(&own) else {
        return Err(PyTypeError::new_err(format!(
            "out must have dtype float64 or float32, got {own}"
        )));
    };
    if let Some(wanted) = dtype.filter(|d| *d != own_dtype) {
        return Err(PyTypeError::new_err(format!(
            "out has dtype {own} but dtype={} was asked for",
            wanted.name()
        )));
    }
    if array.shape() != [n] {
        return Err(PyValueError::new_err(format!(
            "out must have shape ({n},), got {}",
            array.getattr("shape")?
        )));
    }
    if !array.is_c_contiguous() {
        return Err(PyValueError::new_err("out must be C-contiguous"));
    }
    if !array
        .getattr("flags")?
        .getattr("writeable")?
        .extract::<bool>()?
    {
        return Err(PyValueError::new_err(
            "out must be writeable, got a read-only array",
        ));
    }
    Ok((array.clone(), own_dtype))
}

/// Fill a 1-D array (a checked `out`, or a new one) with the next values of `sched`.
fn fill_array<T: Element + numpy::Element>(
    sched: &Bound<'_, PyAny>,
    source: Source,
    array: &Bound<'_, PyUntypedArray>,
) -> PyResult<()> {
    let typed = array.cast::<PyArray1<T>>()?;
    let mut guard = typed
        .try_readwrite()
        .map_err(|err| PyValueError::new_err(format!("out cannot be written: {err}")))?;
    fill_from(sched, source, slice_of(&mut guard)?)
}

/// `LRScheduler.precompute`.
pub(crate) fn precompute<'py>(
    sched: &Bound<'py, PyLRScheduler>,
    n: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
    out: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = sched.py();
    let n = convert::count(n, "n")?;
    interrupt::load_numpy(py)?;
    let dtype = Dtype::parse(py, dtype)?;
    if let Some(out) = out.filter(|o| !o.is_none()) {
        let (array, dtype) = checked_out(out, n, dtype)?;
        let source = source(sched, n)?;
        with_element!(dtype, T => fill_array::<T>(sched.as_any(), source, &array))?;
        return Ok(array.into_any());
    }
    let dtype = dtype.unwrap_or(Dtype::F64);
    let item_size = with_element!(dtype, T => T::SIZE);
    bulk::check_memory("n", n, item_size, memory_limit())?;
    let source = source(sched, n)?;
    with_element!(dtype, T => {
        let array = zeros::<T, _>(py, n);
        fill_array::<T>(sched.as_any(), source, array.as_untyped())?;
        Ok(array.into_any())
    })
}

/// `steps` as a flat, contiguous array of `int64` or `uint64` (a view where it already is
/// one), with its shape; a non-integer dtype is refused.
fn step_array<'py>(steps: &Bound<'py, PyAny>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let py = steps.py();
    let array = py.import("numpy")?.call_method1("asarray", (steps,))?;
    let shape = array.getattr("shape")?;
    let kind: String = array.getattr("dtype")?.getattr("kind")?.extract()?;
    let wide = match kind.as_str() {
        "u" => "uint64",
        // `[]` is a float array to NumPy; no step is no wrong step.
        "i" | "f" if kind == "i" || array.getattr("size")?.extract::<usize>()? == 0 => "int64",
        _ => {
            return Err(PyTypeError::new_err(format!(
                "steps must be an integer array, got dtype {}",
                array.getattr("dtype")?
            )))
        }
    };
    let kwargs = [("copy", false)].into_py_dict(py)?;
    let flat = array
        .call_method0("ravel")?
        .call_method("astype", (wide,), Some(&kwargs))?;
    Ok((flat, shape))
}

/// `LRScheduler.lr_at`.
pub(crate) fn lr_at<'py>(
    sched: &Bound<'py, PyLRScheduler>,
    steps: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = sched.py();
    interrupt::load_numpy(py)?;
    let dtype = Dtype::parse(py, dtype)?.unwrap_or(Dtype::F64);
    let (flat, shape) = step_array(steps)?;
    // Read in place: the GIL stays held until the values are computed (see `gather_from`),
    // so no Python code can change the caller's array meanwhile.
    let values = if let Ok(signed) = flat.cast::<PyArray1<i64>>() {
        let guard = signed.readonly();
        let steps = guard.as_slice()?;
        let largest = largest_count(steps, |s| u64::try_from(s).ok()).ok_or_else(|| {
            let index = steps.iter().position(|s| *s < 0).unwrap_or(0);
            PyValueError::new_err(format!(
                "steps must be >= 0, got {} at index {index}",
                steps[index]
            ))
        })?;
        values_at_steps(sched, steps, largest, dtype)?
    } else {
        let unsigned = flat.cast::<PyArray1<u64>>()?;
        let guard = unsigned.readonly();
        let steps = guard.as_slice()?;
        let largest = largest_count(steps, Some).unwrap_or(0);
        values_at_steps(sched, steps, largest, dtype)?
    };
    values.call_method1("reshape", (shape,))
}

/// The largest of `steps` as counts (on all cores); `None` if `count` refuses one.
fn largest_count<S: Copy + Send + Sync>(
    steps: &[S],
    count: impl Fn(S) -> Option<u64> + Sync,
) -> Option<u64> {
    steps
        .par_chunks(bulk::CHUNK)
        .map(|steps| {
            steps
                .iter()
                .try_fold(0_u64, |largest, step| Some(largest.max(count(*step)?)))
        })
        .try_reduce(|| 0, |a, b| Some(a.max(b)))
}

/// `lr_at` for step counts (`largest` the largest).
fn values_at_steps<'py, S: bulk::StepCount>(
    sched: &Bound<'py, PyLRScheduler>,
    steps: &[S],
    largest: u64,
    dtype: Dtype,
) -> PyResult<Bound<'py, PyAny>> {
    let py = sched.py();
    let horizon = usize::try_from(largest)
        .ok()
        .and_then(|s| s.checked_add(1))
        .ok_or_else(|| PyValueError::new_err(format!("steps has {largest}: too far")))?;
    let largest = horizon - 1;
    let item_size = with_element!(dtype, T => T::SIZE);
    bulk::check_memory("len(steps)", steps.len(), item_size, memory_limit())?;
    let source = source(sched, horizon)?;
    with_element!(dtype, T => {
        let array = zeros::<T, _>(py, steps.len());
        gather_from(sched.as_any(), source, steps, slice_of(&mut array.readwrite())?, largest)?;
        Ok(array.into_any())
    })
}

/// `out[j]` = the value after `steps[j]` more steps of `sched`, whose `source` is given.
fn gather_from<T: Element, S: bulk::StepCount>(
    sched: &Bound<'_, PyAny>,
    source: Source,
    steps: &[S],
    out: &mut [T],
    largest: usize,
) -> PyResult<()> {
    let py = sched.py();
    match source {
        Source::Detached(kernel) => {
            let inline = is_small(kernel.as_ref(), largest.max(steps.len()));
            // The GIL held: `steps` is the caller's array, read in place.
            interrupt::run_holding_gil(py, inline, |stop| {
                bulk::gather_until(kernel, steps, largest as u64, out, stop)
            })
        }
        Source::Attached(kernel) => {
            let signals = &PythonSignals;
            Ok(bulk::gather_until(
                kernel,
                steps,
                largest as u64,
                out,
                signals,
            )?)
        }
        Source::Python => {
            // Visit the steps in order, handing each value to the positions asking for it.
            let mut order: Vec<usize> = (0..steps.len()).collect();
            order.sort_unstable_by_key(|&p| steps[p].count());
            let mut next = 0;
            step_python_copy(sched, largest, |step, value| {
                while next < order.len() && steps[order[next]].count() == step as u64 {
                    out[order[next]] = T::from_f64(value);
                    next += 1;
                }
            })
        }
    }
}

/// `fastwarmup.precompute_many(schedulers, n, *, dtype=None)`: one row of `precompute(n)`
/// per scheduler, in a 2-D array; rows that run in Rust are filled in parallel, across and
/// within rows.
#[pyfunction]
#[pyo3(signature = (schedulers, n, *, dtype=None))]
pub(crate) fn precompute_many<'py>(
    schedulers: &Bound<'py, PyAny>,
    n: &Bound<'py, PyAny>,
    dtype: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = schedulers.py();
    let n = convert::count(n, "n")?;
    interrupt::load_numpy(py)?;
    let dtype = Dtype::parse(py, dtype)?.unwrap_or(Dtype::F64);
    if schedulers.is_instance_of::<pyo3::types::PyString>() {
        return Err(PyTypeError::new_err(format!(
            "schedulers must be an iterable of schedulers, got {}",
            convert::describe(schedulers)
        )));
    }
    let items: Vec<Bound<'py, PyAny>> = schedulers
        .try_iter()
        .map_err(|_| {
            PyTypeError::new_err(format!(
                "schedulers must be an iterable of schedulers, got {}",
                convert::describe(schedulers)
            ))
        })?
        .collect::<PyResult<_>>()?;
    let mut sources = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let sched = item.cast::<PyLRScheduler>().map_err(|_| {
            PyTypeError::new_err(format!(
                "schedulers[{index}] must be a fastwarmup scheduler, got {}",
                convert::describe(item)
            ))
        })?;
        sources.push(source(sched, n)?);
    }
    let total = items
        .len()
        .checked_mul(n)
        .ok_or_else(|| PyValueError::new_err("len(schedulers) * n is too large to allocate"))?;
    let item_size = with_element!(dtype, T => T::SIZE);
    bulk::check_memory("len(schedulers) * n", total, item_size, memory_limit())?;
    with_element!(dtype, T => {
        let array = zeros::<T, _>(py, [items.len(), n]);
        fill_rows(&items, sources, n, slice_of(&mut array.readwrite())?)?;
        Ok(array.into_any())
    })
}

/// Fill one row of `values` per scheduler: the rows that run in Rust over all cores without
/// the GIL, then the rows that need Python, in order, with it. The error reported is the first
/// in row order, as filling the rows one by one would give.
fn fill_rows<T: Element>(
    items: &[Bound<'_, PyAny>],
    sources: Vec<Source>,
    n: usize,
    values: &mut [T],
) -> PyResult<()> {
    let Some(py) = items.first().map(Bound::py) else {
        return Ok(());
    };
    if n == 0 {
        return Ok(());
    }
    let mut detached = Vec::new();
    let mut with_python = Vec::new();
    for (row, (source, values)) in sources.into_iter().zip(values.chunks_mut(n)).enumerate() {
        match source {
            Source::Detached(kernel) => detached.push((row, kernel, values)),
            other => with_python.push((row, other, values)),
        }
    }
    let inline = detached
        .iter()
        .map(|(_, kernel, row)| {
            if is_small(kernel.as_ref(), row.len()) {
                row.len()
            } else {
                usize::MAX
            }
        })
        .fold(0_usize, usize::saturating_add)
        <= INLINE_WORK;
    let mut failed: Vec<(usize, crate::error::CoreError)> = Vec::new();
    interrupt::run_detached(py, inline, |stop| {
        failed = detached
            .into_par_iter()
            .filter_map(|(row, kernel, values)| {
                bulk::fill_until(kernel, values, stop)
                    .err()
                    .map(|e| (row, e))
            })
            .collect();
        Ok(())
    })?;
    let first_failed = failed.into_iter().min_by_key(|(row, _)| *row);
    let before = first_failed.as_ref().map_or(usize::MAX, |(row, _)| *row);
    for (row, source, values) in with_python {
        if row > before {
            break;
        }
        fill_from(&items[row], source, values)?;
    }
    match first_failed {
        Some((_, err)) => Err(err.into()),
        None => Ok(()),
    }
}
