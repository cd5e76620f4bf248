//! One module per paddle scheduler: parameters, validation and `get_lr`, in plain Rust.

pub mod base;
pub mod cyclic;
pub mod lambda;
pub mod linear_warmup;
pub mod metric;
pub mod multiplicative;
pub mod plateau;
pub mod polynomial;
pub mod validate;

pub use base::Base;
pub use cyclic::CyclicLR;
pub use lambda::LambdaDecay;
pub use linear_warmup::LinearWarmup;
pub use multiplicative::MultiplicativeDecay;
pub use plateau::ReduceOnPlateau;
pub use polynomial::PolynomialDecay;
