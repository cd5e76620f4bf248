//! One module per paddle scheduler: parameters, validation and `get_lr`, in plain Rust.

pub mod base;
pub mod linear_warmup;
pub mod polynomial;
pub mod validate;

pub use base::Base;
pub use linear_warmup::LinearWarmup;
pub use polynomial::PolynomialDecay;
