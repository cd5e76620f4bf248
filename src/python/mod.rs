//! The PyO3 layer: converts arguments, errors and arrays; holds no schedule math.

mod args;
mod bulk;
mod callback;
mod classes;
mod config;
mod convert;
mod errors;
pub(crate) mod fast_step;
mod foreign;
mod interrupt;
mod libm_floor;
mod metric;
mod noop;
mod pickle;
mod scheduler;

use pyo3::prelude::*;

/// The native module, `fastwarmup._fastwarmup`.
#[pymodule(gil_used = true)]
#[pyo3(name = "_fastwarmup")]
fn fastwarmup_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    classes::register(m)?;
    m.add_class::<noop::NoOp>()?;
    m.add_function(wrap_pyfunction!(pickle::set_state, m)?)?;
    m.add_function(wrap_pyfunction!(bulk::precompute_many, m)?)?;
    m.add_function(wrap_pyfunction!(libm_floor::libm_pow, m)?)?;
    m.add_function(wrap_pyfunction!(libm_floor::libm_cos, m)?)?;
    m.add_function(wrap_pyfunction!(libm_floor::libm_exp, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
