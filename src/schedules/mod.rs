//! One module per paddle scheduler: parameters, validation and `get_lr`, in plain Rust.

#[macro_use]
mod pure;
#[macro_use]
mod cosine_recurrence;

pub mod base;
pub mod cosine_annealing;
pub mod cyclic;
pub mod cyclical_cosine;
pub mod exponential;
pub mod inverse_time;
pub mod lambda;
pub mod linear_lr;
pub mod linear_warmup;
pub mod metric;
pub mod multi_step;
pub mod multiplicative;
pub mod natural_exp;
pub mod noam;
pub mod one_cycle;
pub mod one_cycle_decay;
pub mod piecewise;
pub mod plateau;
pub mod polynomial;
pub mod staircase;
pub mod step;
pub mod two_step_cosine;
pub mod validate;
pub mod warm_restarts;
pub mod warmup;

pub use base::Base;
pub use cosine_annealing::CosineAnnealingDecay;
pub use cyclic::CyclicLR;
pub use cyclical_cosine::CyclicalCosineDecay;
pub use exponential::ExponentialDecay;
pub use inverse_time::InverseTimeDecay;
pub use lambda::LambdaDecay;
pub use linear_lr::LinearLR;
pub use linear_warmup::LinearWarmup;
pub use multi_step::MultiStepDecay;
pub use multiplicative::MultiplicativeDecay;
pub use natural_exp::NaturalExpDecay;
pub use noam::NoamDecay;
pub use one_cycle::{Anneal, OneCycleArgs, OneCycleLR};
pub use one_cycle_decay::{OneCycleDecay, OneCycleDecayArgs};
pub use piecewise::PiecewiseDecay;
pub use plateau::ReduceOnPlateau;
pub use polynomial::PolynomialDecay;
pub use step::StepDecay;
pub use two_step_cosine::TwoStepCosineDecay;
pub use warm_restarts::CosineAnnealingWarmRestarts;
pub use warmup::WarmupSchedule;
