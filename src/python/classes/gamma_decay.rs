//! The binding shared by the schedulers constructed as `(learning_rate, gamma, last_epoch=-1,
//! verbose=False)` with a `gamma` attribute: `ExponentialDecay`, `NaturalExpDecay`,
//! `InverseTimeDecay`.

/// `gamma_decay_class!(PyClass, Kernel, "PaddleName", "docstring")`: the class, its
/// constructor and its `gamma` getter.
macro_rules! gamma_decay_class {
    ($py_class:ident, $kernel:ident, $name:tt, $doc:tt) => {
        use pyo3::prelude::*;
        use pyo3::types::{PyDict, PyTuple};

        use crate::python::classes::num_attribute;
        use crate::python::convert;
        use crate::python::scheduler::{construct, PyLRScheduler};
        use crate::schedules::$kernel;

        #[doc = $doc]
        #[pyclass(extends = PyLRScheduler, frozen, subclass, name = $name, module = "fastwarmup.lr")]
        pub struct $py_class;

        #[pymethods]
        impl $py_class {
            #[new]
            #[pyo3(signature = (*_args, **_kwargs), text_signature = "(learning_rate, gamma, last_epoch=-1, verbose=False)")]
            fn __new__(
                _args: &Bound<'_, PyTuple>,
                _kwargs: Option<&Bound<'_, PyDict>>,
            ) -> PyClassInitializer<Self> {
                PyClassInitializer::from(PyLRScheduler::placeholder()).add_subclass(Self)
            }

            #[pyo3(signature = (learning_rate, gamma, last_epoch=-1, verbose=false))]
            fn __init__(
                slf: &Bound<'_, Self>,
                learning_rate: &Bound<'_, PyAny>,
                gamma: &Bound<'_, PyAny>,
                last_epoch: i64,
                verbose: bool,
            ) -> PyResult<()> {
                let kernel = $kernel::new(
                    convert::num(learning_rate, "learning_rate")?,
                    convert::num(gamma, "gamma")?,
                    last_epoch,
                    verbose,
                )?;
                construct(slf.as_super(), Box::new(kernel))
            }

            #[getter]
            fn gamma(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
                num_attribute(slf.as_super(), |k: &$kernel| k.gamma)
            }
        }
    };
}
