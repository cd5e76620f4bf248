//! The binding shared by the schedulers constructed as `(learning_rate, lr_lambda,
//! last_epoch=-1, verbose=False)` with an `lr_lambda` attribute: `LambdaDecay`,
//! `MultiplicativeDecay`.

/// `lambda_decay_class!(PyClass, Kernel, "PaddleName", "docstring")`: the class, its
/// constructor and its `lr_lambda` getter.
macro_rules! lambda_decay_class {
    ($py_class:ident, $kernel:ident, $name:tt, $doc:tt) => {
        use pyo3::prelude::*;
        use pyo3::types::{PyDict, PyTuple};

        use crate::python::callback::{callback_of, object_of};
        use crate::python::classes::with_kernel;
        use crate::python::args::Args;
        use crate::python::scheduler::{construct, PyLRScheduler};
        use crate::schedules::$kernel;

        #[doc = $doc]
        #[pyclass(extends = PyLRScheduler, frozen, subclass, name = $name, module = "fastwarmup.lr")]
        pub struct $py_class;

        #[pymethods]
        impl $py_class {
            #[new]
            #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, lr_lambda, last_epoch=-1, verbose=False)")]
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
                    &["learning_rate", "lr_lambda", "last_epoch", "verbose"],
                    args,
                    kwargs,
                )?;
                let (last_epoch, verbose) = a.construction_state()?;
                let lr_lambda = callback_of(a.required("lr_lambda")?, "lr_lambda", $name)?;
                let kernel = $kernel::new(a.num("learning_rate")?, lr_lambda, last_epoch, verbose)?;
                construct(slf.as_super(), Box::new(kernel))
            }

            /// The function, as given.
            #[getter]
            fn lr_lambda(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
                let py = slf.py();
                with_kernel(slf.as_super(), |k: &$kernel| {
                    object_of(py, k.lr_lambda.as_ref())
                })
            }
        }
    };
}
