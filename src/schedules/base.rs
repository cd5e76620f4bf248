//! `LRScheduler` itself: the state a Python subclass builds on. Its `get_lr` is abstract.

use crate::error::{CoreError, CoreResult};
use crate::pyops::Num;
use crate::schedule::{kernel_plumbing, Common, Kernel, Log};
use crate::schedules::validate;

/// The base scheduler: `base_lr = float(learning_rate)`, no schedule of its own.
#[derive(Clone, Debug)]
pub struct Base {
    common: Common,
}

impl Base {
    /// The state of an object between `__new__` and `__init__`: paddle's defaults.
    pub fn placeholder() -> Self {
        Self {
            common: Common::new(0.1, -1, false),
        }
    }

    /// paddle's `LRScheduler.__init__` checks, before its first `step()`.
    pub fn new(learning_rate: Num, last_epoch: i64, verbose: bool) -> CoreResult<Self> {
        let base_lr = validate::learning_rate("learning_rate", learning_rate)?;
        Ok(Self {
            common: Common::new(base_lr, last_epoch, verbose),
        })
    }
}

impl Kernel for Base {
    kernel_plumbing!();
    fn class_name(&self) -> &'static str {
        "LRScheduler"
    }
    fn get_lr(&mut self, _log: &mut Log) -> CoreResult<Num> {
        Err(CoreError::NotImplemented(
            "LRScheduler.get_lr() must be overridden by a subclass".to_owned(),
        ))
    }
}
