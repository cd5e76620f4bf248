//! `_libm_pow`, `_libm_cos` and `_libm_exp`: one thread looping over the platform libm's `pow`,
//! `cos` and `exp` (the functions CPython's float arithmetic and `math` call), for the bulk
//! benchmarks' floor: an exact `precompute` can at best split that loop over the cores.

use numpy::{IntoPyArray, PyArray1, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;

/// `libm_pow(x[i], y)` for each element, on one thread, the GIL released.
#[pyfunction]
#[pyo3(name = "_libm_pow")]
pub fn libm_pow(x: &Bound<'_, PyArray1<f64>>, y: f64) -> PyResult<Py<PyArray1<f64>>> {
    map(&x.readonly(), move |v| v.powf(y))
}

/// `libm_cos(x[i])` for each element, on one thread, the GIL released.
#[pyfunction]
#[pyo3(name = "_libm_cos")]
pub fn libm_cos(x: &Bound<'_, PyArray1<f64>>) -> PyResult<Py<PyArray1<f64>>> {
    map(&x.readonly(), f64::cos)
}

/// `libm_exp(x[i])` for each element, on one thread, the GIL released.
#[pyfunction]
#[pyo3(name = "_libm_exp")]
pub fn libm_exp(x: &Bound<'_, PyArray1<f64>>) -> PyResult<Py<PyArray1<f64>>> {
    map(&x.readonly(), f64::exp)
}

fn map(
    x: &PyReadonlyArray1<'_, f64>,
    f: impl Fn(f64) -> f64 + Send,
) -> PyResult<Py<PyArray1<f64>>> {
    let py = x.py();
    let input = x.to_vec()?;
    let out: Vec<f64> = py.detach(|| input.into_iter().map(f).collect());
    Ok(out.into_pyarray(py).unbind())
}
