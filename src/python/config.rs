//! Portable configs and checked resume: `to_config()`, the settings `state_dict()` records and
//! the check `set_state_dict` makes. The construction record (see `scheduler::install`) is the
//! source; the plain-types conversion and the comparison live in `fastwarmup._config`.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::python::scheduler::PyLRScheduler;

/// The state dict key of the settings (`fastwarmup._config.SETTINGS_KEY`).
pub(crate) const SETTINGS_KEY: &str = "settings";

fn module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("fastwarmup._config")
}

/// `to_config()`: `{"name": class name, **constructor arguments}`, nested schedulers as nested
/// configs; `TypeError` naming an argument that has no portable form.
pub(crate) fn to_config<'py>(slf: &Bound<'py, PyLRScheduler>) -> PyResult<Bound<'py, PyAny>> {
    let py = slf.py();
    let Some(record) = slf.get().construction(py) else {
        return Err(PyTypeError::new_err(format!(
            "a {} whose __init__ has not run has no config",
            slf.get_type().name()?
        )));
    };
    module(py)?.call_method1("config_of", (slf, record))
}

/// Add the settings to a state dict when the schedule has a config.
pub(crate) fn record_settings(
    slf: &Bound<'_, PyLRScheduler>,
    out: &Bound<'_, PyDict>,
) -> PyResult<()> {
    let settings = module(slf.py())?.call_method1("settings", (slf,))?;
    if !settings.is_none() {
        out.set_item(SETTINGS_KEY, settings)?;
    }
    Ok(())
}

/// Compare a state dict's settings with this schedule's: warn naming each difference, or
/// `ValueError` with `strict`. Whether the settings were compared (a nest's are then covered).
pub(crate) fn check_settings(
    slf: &Bound<'_, PyLRScheduler>,
    state: &Bound<'_, PyAny>,
    strict: bool,
) -> PyResult<bool> {
    module(slf.py())?
        .call_method1("check", (slf, state, strict))?
        .is_truthy()
}

/// The nested scheduler's state dict to pass down: without the settings in it when the outer
/// ones were compared already (so each difference is reported once, and a foreign nest is not
/// handed a key it does not know).
pub(crate) fn nested_state<'py>(
    nested: &Bound<'py, PyAny>,
    checked: bool,
) -> PyResult<Bound<'py, PyAny>> {
    if !checked || !nested.is_instance_of::<PyDict>() {
        return Ok(nested.clone());
    }
    module(nested.py())?.call_method1("without_settings", (nested,))
}
