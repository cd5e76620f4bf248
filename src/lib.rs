//! fastwarmup: paddle.optimizer.lr's schedules, bit-exact, in Rust.
//!
//! The pure core (no PyO3): `pyops` (CPython number semantics), `schedule` (the kernel trait and
//! paddle's base `step`), `schedules` (one module per scheduler), `nested` and `cell` (sharing
//! schedulers between nests), `bulk` (`precompute` and `lr_at`). `python` is the binding
//! layer, compiled only with the `python` feature.

pub mod bulk;
pub mod callback;
pub mod cell;
pub mod error;
pub mod exact_simd;
pub mod lock_free;
pub mod nested;
pub mod pyops;
pub mod schedule;
pub mod schedules;

#[cfg(feature = "python")]
mod python;
