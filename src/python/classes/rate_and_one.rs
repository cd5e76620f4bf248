//! The binding shared by the schedulers constructed as `(learning_rate, <param>,
//! last_epoch=-1, verbose=False)` with a `<param>` attribute: `ExponentialDecay`,
//! `NaturalExpDecay`, `InverseTimeDecay` (`gamma`), `LambdaDecay`, `MultiplicativeDecay`
//! (`lr_lambda`).

/// `rate_and_one_class!(PyClass, Kernel, "PaddleName", "docstring", param, "text signature",
/// convert, attribute)`: the class, its constructor and its `param` getter. `convert` turns the
/// bound `Args` into the kernel's second argument; `attribute` reads it back for Python.
macro_rules! rate_and_one_class {
    (
        $py_class:ident, $kernel:ident, $name:tt, $doc:tt,
        $param:ident, $signature:literal, $convert:expr, $attribute:expr $(,)?
    ) => {
        use pyo3::prelude::*;
        use pyo3::types::{PyDict, PyTuple};

        use crate::python::args::Args;
        use crate::python::scheduler::{construct, PyLRScheduler};
        use crate::schedules::$kernel;

        #[doc = $doc]
        #[pyclass(extends = PyLRScheduler, frozen, subclass, name = $name, module = "fastwarmup.lr")]
        pub struct $py_class;

        #[pymethods]
        impl $py_class {
            #[new]
            #[pyo3(signature = (*_args, **_kwargs), text_signature = $signature)]
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
                    $name,
                    &["learning_rate", stringify!($param), "last_epoch", "verbose"],
                    args,
                    kwargs,
                )?;
                let (last_epoch, verbose) = a.construction_state()?;
                let param = ($convert)(&a)?;
                let kernel = $kernel::new(a.num("learning_rate")?, param, last_epoch, verbose)?;
                construct(slf.as_super(), &a, Box::new(kernel))
            }

            #[getter]
            fn $param(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
                ($attribute)(slf.as_super())
            }
        }
    };
}
