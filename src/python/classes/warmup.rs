//! The bindings of fastwarmup's own warm-up schedules (`schedules::warmup`): eight classes in
//! `fastwarmup.lr`, each `(learning_rate, warmup_steps, ..., last_epoch=-1, verbose=False)`.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::pyops::Num;
use crate::python::args::Args;
use crate::python::classes::with_params;
use crate::python::convert;
use crate::python::scheduler::{construct, PyLRScheduler};
use crate::schedules::warmup::{Curve, Kind, Params, WarmupSchedule};

/// A parameter of this object's schedule.
fn param<R>(slf: &Bound<'_, PyLRScheduler>, f: impl FnOnce(&Params) -> R) -> PyResult<R> {
    with_params(slf, |k: &WarmupSchedule| f(&k.params))
}

/// A number parameter, as the Python int or float it was given as (`None` when absent).
fn num_param(
    slf: &Bound<'_, PyLRScheduler>,
    f: impl FnOnce(&Params) -> Option<Num>,
) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    Ok(param(slf, f)?.map_or_else(|| py.None(), |v| convert::to_py(py, v)))
}

/// An optional number argument whose `None` means "not given".
fn optional_num(a: &Args<'_>, name: &str) -> PyResult<Option<Num>> {
    a.not_none(name)?.map(|v| convert::num(v, name)).transpose()
}

/// `min_lr` / `min_lr_ratio` (at most one), as transformers reads them: the ratio is
/// `min_lr / learning_rate` when `min_lr` is given, 0.0 when neither is.
fn min_ratio(a: &Args<'_>, p: &mut Params) -> PyResult<()> {
    let min_lr = optional_num(a, "min_lr")?;
    let ratio = optional_num(a, "min_lr_ratio")?;
    p.min_lr = min_lr;
    p.min_lr_ratio = match (min_lr, ratio) {
        (Some(_), Some(_)) => {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "Only one of min_lr or min_lr_ratio should be set",
            ))
        }
        (Some(m), None) => Num::Float(m.truediv(p.learning_rate)?),
        (None, Some(r)) => r,
        (None, None) => Num::Float(0.0),
    };
    Ok(())
}

macro_rules! warmup_class {
    (
        $py_class:ident, $name:tt, $kind:expr, $doc:tt, $signature:literal,
        [$($param:literal),*],
        |$a:ident, $p:ident| $fill:block,
        { $($getters:tt)* }
    ) => {
        #[doc = $doc]
        #[doc = ""]
        #[doc = "Legend: `s` is the step (`last_epoch`), `w` is `warmup_steps`, `T` is \
                 `total_steps` (counts are ints >= 0).\n\n\
                 `f` is computed with the float operations of transformers' lambda, in its \
                 order, so the values equal transformers' schedule bit for bit. Steps, nests \
                 in `LinearWarmup`, saves, pickles and precomputes like paddle's classes; \
                 `step(epoch)` is exact (a function of the epoch alone)."]
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
                let $a = Args::bind(
                    $name,
                    &["learning_rate", "warmup_steps", $($param,)* "last_epoch", "verbose"],
                    args,
                    kwargs,
                )?;
                let (last_epoch, verbose) = $a.construction_state()?;
                #[allow(unused_mut)]
                let mut $p = Params::new($a.num("learning_rate")?, warmup_steps(&$a)?);
                $fill;
                let kernel = WarmupSchedule::new($kind, $p, last_epoch, verbose)?;
                construct(slf.as_super(), &$a, Box::new(kernel))
            }

            #[getter]
            fn warmup_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
                param(slf.as_super(), |p| p.warmup_steps)
            }
            $($getters)*
        }
    };
}

/// `warmup_steps` (0 when not given, for `ConstantWithWarmup`).
fn warmup_steps(a: &Args<'_>) -> PyResult<i64> {
    if a.function() == "ConstantWithWarmup" {
        a.int_or("warmup_steps", 0)
    } else {
        a.int("warmup_steps")
    }
}

warmup_class!(
    PyWarmupLinearDecay,
    "WarmupLinearDecay",
    Kind::Linear,
    "Linear warm-up from 0 to `learning_rate`, then linear decay to 0 at `total_steps`.\n\n\
     `f(s) = s / max(1, w)` for `s < w`, else `max(0.0, (T - s) / max(1, T - w))`;\n\
     `lr = learning_rate * f(s)` (transformers' `linear`).",
    "(learning_rate, warmup_steps, total_steps, last_epoch=-1, verbose=False)",
    ["total_steps"],
    |a, p| {
        p.total_steps = a.int("total_steps")?;
    },
    {
        #[getter]
        fn total_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
            param(slf.as_super(), |p| p.total_steps)
        }
    }
);

warmup_class!(
    PyWarmupCosineDecay,
    "WarmupCosineDecay",
    Kind::Cosine,
    "Linear warm-up, then a cosine down to a minimum (`min_lr`, or `min_lr_ratio` times the \
     learning rate; 0 by default).\n\n\
     `f(s) = s / max(1, w)` for `s < w`; else with `p = (s - w) / max(1, T - w)`,\n\
     `c = 0.5 * (1 + cos(pi * num_cycles * 2 * p))` and `f(s) = max(0, c * (1 - r) + r)`,\n\
     `r = min_lr_ratio` or `min_lr / learning_rate`; `lr = learning_rate * f(s)` (transformers'\n\
     `cosine` and `cosine_with_min_lr`).",
    "(learning_rate, warmup_steps, total_steps, num_cycles=0.5, min_lr=None, min_lr_ratio=None, last_epoch=-1, verbose=False)",
    ["total_steps", "num_cycles", "min_lr", "min_lr_ratio"],
    |a, p| {
        p.total_steps = a.int("total_steps")?;
        p.num_cycles = a.num_or("num_cycles", Num::Float(0.5))?;
        min_ratio(&a, &mut p)?;
    },
    {
        #[getter]
        fn total_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
            param(slf.as_super(), |p| p.total_steps)
        }
        #[getter]
        fn num_cycles(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| Some(p.num_cycles))
        }
        #[getter]
        fn min_lr(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| p.min_lr)
        }
        #[getter]
        fn min_lr_ratio(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| Some(p.min_lr_ratio))
        }
    }
);

warmup_class!(
    PyCosineWarmupWithMinLR,
    "CosineWarmupWithMinLR",
    Kind::CosineShifted,
    "transformers' `cosine_warmup_with_min_lr`: warm-up and cosine counted from step 1.\n\n\
     In floats: for `s < w`, `f(s) = (s + 1) / max(1, w)`, or with `warmup_lr_ratio = a`,\n\
     `f(s) = a + (1 - a) * s / max(1, w - 1)`; else `p = (s - w + 1) / max(1, T - w)`,\n\
     `c = 0.5 * (1 + cos(pi * num_cycles * 2 * p))`, `f(s) = max(0, c * (1 - r) + r)`;\n\
     `lr = learning_rate * f(s)`.",
    "(learning_rate, warmup_steps, total_steps, num_cycles=0.5, min_lr=None, min_lr_ratio=None, warmup_lr_ratio=None, last_epoch=-1, verbose=False)",
    ["total_steps", "num_cycles", "min_lr", "min_lr_ratio", "warmup_lr_ratio"],
    |a, p| {
        p.total_steps = a.int("total_steps")?;
        p.num_cycles = a.num_or("num_cycles", Num::Float(0.5))?;
        min_ratio(&a, &mut p)?;
        p.warmup_lr_ratio = optional_num(&a, "warmup_lr_ratio")?;
    },
    {
        #[getter]
        fn total_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
            param(slf.as_super(), |p| p.total_steps)
        }
        #[getter]
        fn num_cycles(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| Some(p.num_cycles))
        }
        #[getter]
        fn min_lr(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| p.min_lr)
        }
        #[getter]
        fn min_lr_ratio(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| Some(p.min_lr_ratio))
        }
        #[getter]
        fn warmup_lr_ratio(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| p.warmup_lr_ratio)
        }
    }
);

warmup_class!(
    PyCosineWithHardRestarts,
    "CosineWithHardRestarts",
    Kind::HardRestarts,
    "Linear warm-up, then `num_cycles` cosines from `learning_rate` to 0, each restarting at\n\
     `learning_rate`; 0 from `total_steps` on.\n\n\
     `f(s) = s / max(1, w)` for `s < w`; else `p = (s - w) / max(1, T - w)`, `f(s) = 0` for\n\
     `p >= 1`, else `f(s) = max(0, 0.5 * (1 + cos(pi * ((num_cycles * p) % 1.0))))`;\n\
     `lr = learning_rate * f(s)` (transformers' `cosine_with_restarts`).",
    "(learning_rate, warmup_steps, total_steps, num_cycles=1, last_epoch=-1, verbose=False)",
    ["total_steps", "num_cycles"],
    |a, p| {
        p.total_steps = a.int("total_steps")?;
        p.num_cycles = a.num_or("num_cycles", Num::Int(1))?;
    },
    {
        #[getter]
        fn total_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
            param(slf.as_super(), |p| p.total_steps)
        }
        #[getter]
        fn num_cycles(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| Some(p.num_cycles))
        }
    }
);

warmup_class!(
    PyWarmupPolynomialDecay,
    "WarmupPolynomialDecay",
    Kind::Polynomial,
    "Linear warm-up, then polynomial decay from `learning_rate` to `lr_end` at `total_steps`.\n\n\
     `f(s) = s / max(1, w)` for `s < w`; `f(s) = lr_end / lr` for `s > T`; else\n\
     `f(s) = ((lr - lr_end) * (1 - (s - w) / (T - w)) ** power + lr_end) / lr`;\n\
     `lr(s) = lr * f(s)` (transformers' `polynomial`).",
    "(learning_rate, warmup_steps, total_steps, lr_end=1e-07, power=1.0, last_epoch=-1, verbose=False)",
    ["total_steps", "lr_end", "power"],
    |a, p| {
        p.total_steps = a.int("total_steps")?;
        p.lr_end = a.num_or("lr_end", Num::Float(1e-7))?;
        p.power = a.num_or("power", Num::Float(1.0))?;
    },
    {
        #[getter]
        fn total_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
            param(slf.as_super(), |p| p.total_steps)
        }
        #[getter]
        fn lr_end(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| Some(p.lr_end))
        }
        #[getter]
        fn power(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| Some(p.power))
        }
    }
);

warmup_class!(
    PyInverseSqrtDecay,
    "InverseSqrtDecay",
    Kind::InverseSqrt,
    "Linear warm-up, then decay as the inverse square root of the step.\n\n\
     `f(s) = s / max(1, w)` for `s < w`, else `f(s) = 1 / sqrt((s + timescale - w) / timescale)`\n\
     (`timescale` defaults to `warmup_steps or 10000`); `lr = learning_rate * f(s)`\n\
     (transformers' `inverse_sqrt`).",
    "(learning_rate, warmup_steps, timescale=None, last_epoch=-1, verbose=False)",
    ["timescale"],
    |a, p| {
        p.timescale = match a.not_none("timescale")? {
            Some(v) => convert::int(v, "timescale")?,
            None if p.warmup_steps != 0 => p.warmup_steps,
            None => 10_000,
        };
    },
    {
        #[getter]
        fn timescale(slf: &Bound<'_, Self>) -> PyResult<i64> {
            param(slf.as_super(), |p| p.timescale)
        }
    }
);

warmup_class!(
    PyConstantWithWarmup,
    "ConstantWithWarmup",
    Kind::Constant,
    "Linear warm-up from 0 to `learning_rate`, then constant.\n\n\
     `f(s) = s / max(1, w)` for `s < w`, else 1; `lr = learning_rate * f(s)` (transformers'\n\
     `constant_with_warmup`, and `constant` with `warmup_steps=0`).",
    "(learning_rate, warmup_steps=0, last_epoch=-1, verbose=False)",
    [],
    |a, p| {},
    {}
);

warmup_class!(
    PyWarmupStableDecay,
    "WarmupStableDecay",
    Kind::StableDecay,
    "Warmup-stable-decay (WSD): warm-up, a constant phase, then a decay to a minimum ratio.\n\n\
     With `r = min_lr_ratio`: for `s < w`, `p = s / max(1, w)` and `f(s) = max(0, g(p) * (1 - r) + r)`,\n\
     `g(p) = p` (`'linear'`), `0.5 * (1 - cos(pi * p))` (`'cosine'`) or `1 - sqrt(1 - p)`\n\
     (`'1-sqrt'`); `f(s) = 1` for `s < w + stable_steps`; for `s < w + stable_steps + decay_steps`,\n\
     `p = (s - w - stable_steps) / max(1, decay_steps)` and `f(s) = max(0, h(p) * (1 - r) + r)`,\n\
     `h(p) = 1 - p`, `0.5 * (1 + cos(pi * num_cycles * 2 * p))` or `1 - sqrt(p)`; then `f(s) = r`.\n\
     `lr = learning_rate * f(s)` (transformers' `warmup_stable_decay`).",
    "(learning_rate, warmup_steps, stable_steps, decay_steps, warmup_type='linear', decay_type='cosine', min_lr_ratio=0.0, num_cycles=0.5, last_epoch=-1, verbose=False)",
    ["stable_steps", "decay_steps", "warmup_type", "decay_type", "min_lr_ratio", "num_cycles"],
    |a, p| {
        p.stable_steps = a.int("stable_steps")?;
        p.decay_steps = a.int("decay_steps")?;
        p.warmup_type = Curve::parse("warmup", &a.name_or("warmup_type", "linear")?)?;
        p.decay_type = Curve::parse("decay", &a.name_or("decay_type", "cosine")?)?;
        p.min_lr_ratio = a.num_or("min_lr_ratio", Num::Float(0.0))?;
        p.num_cycles = a.num_or("num_cycles", Num::Float(0.5))?;
    },
    {
        #[getter]
        fn stable_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
            param(slf.as_super(), |p| p.stable_steps)
        }
        #[getter]
        fn decay_steps(slf: &Bound<'_, Self>) -> PyResult<i64> {
            param(slf.as_super(), |p| p.decay_steps)
        }
        #[getter]
        fn warmup_type(slf: &Bound<'_, Self>) -> PyResult<&'static str> {
            param(slf.as_super(), |p| p.warmup_type.name())
        }
        #[getter]
        fn decay_type(slf: &Bound<'_, Self>) -> PyResult<&'static str> {
            param(slf.as_super(), |p| p.decay_type.name())
        }
        #[getter]
        fn min_lr_ratio(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| Some(p.min_lr_ratio))
        }
        #[getter]
        fn num_cycles(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
            num_param(slf.as_super(), |p| Some(p.num_cycles))
        }
    }
);
