//! `PiecewiseDecay`'s binding.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::python::args::Args;
use crate::python::classes::with_params;
use crate::python::convert;
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::PiecewiseDecay;

/// Piecewise-constant learning rate, as `paddle.optimizer.lr.PiecewiseDecay`.
///
/// `lr = values[i]` for the first `i` with `epoch < boundaries[i]`, else `values[-1]`; each
/// value is returned as given (an int stays an int).
#[pyclass(extends = PyLRScheduler, frozen, subclass, name = "PiecewiseDecay", module = "fastwarmup.lr")]
pub struct PyPiecewiseDecay;

#[pymethods]
impl PyPiecewiseDecay {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs), text_signature = "(boundaries, values, last_epoch=-1, verbose=False)")]
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
            "PiecewiseDecay",
            &["boundaries", "values", "last_epoch", "verbose"],
            args,
            kwargs,
        )?;
        let (last_epoch, verbose) = a.construction_state()?;
        let kernel = PiecewiseDecay::new(
            convert::num_sequence(a.required("boundaries")?, "boundaries")?,
            convert::num_sequence(a.required("values")?, "values")?,
            last_epoch,
            verbose,
        )?;
        construct(slf.as_super(), &a, Box::new(kernel))
    }

    #[getter]
    fn boundaries(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        with_params(slf.as_super(), |k: &PiecewiseDecay| {
            convert::sequence_to_py(slf.py(), k.boundaries())
        })?
    }
    #[getter]
    fn values(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        with_params(slf.as_super(), |k: &PiecewiseDecay| {
            convert::sequence_to_py(slf.py(), k.values())
        })?
    }
}
