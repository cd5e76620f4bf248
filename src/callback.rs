//! A user's Python callable inside a kernel (`LambdaDecay`, `MultiplicativeDecay`,
//! `CyclicLR(scale_fn=...)`). The binding layer implements it; its exceptions are carried
//! through the core unchanged.

use std::any::Any;

use crate::error::CoreResult;
use crate::pyops::Num;

/// `f(x)` for a Python int or float `x`; the result as a Python number (an int stays an int).
pub trait Callback: Send + Sync {
    /// Call the function.
    fn call(&self, arg: Num) -> CoreResult<Num>;
    /// Another handle to the same function (functions are shared, as `copy.deepcopy` does).
    fn clone_box(&self) -> Box<dyn Callback>;
    /// For downcasting to the implementation (the binding returns the Python object).
    fn as_any(&self) -> &dyn Any;
    /// Called now and then by a long run of calls (a far `step(epoch)`): an error (Python's
    /// `KeyboardInterrupt` after Ctrl-C) ends the run, which leaves its scheduler unchanged.
    fn check_interrupt(&self) -> CoreResult<()> {
        Ok(())
    }
}

impl Clone for Box<dyn Callback> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// What a parameters copy (`Kernel::parameters`) holds in place of a user's function: the
/// copy is only read, and holds no Python object.
#[derive(Clone, Copy)]
pub struct Detached;

impl Callback for Detached {
    fn call(&self, _arg: Num) -> CoreResult<Num> {
        Err(crate::error::CoreError::runtime(
            "a scheduler's parameters copy does not call its function",
        ))
    }
    fn clone_box(&self) -> Box<dyn Callback> {
        Box::new(*self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A Rust function as a callback (unit tests, and Rust code using the kernels directly).
#[derive(Clone, Copy)]
pub struct FnCallback(pub fn(Num) -> CoreResult<Num>);

impl Callback for FnCallback {
    fn call(&self, arg: Num) -> CoreResult<Num> {
        (self.0)(arg)
    }
    fn clone_box(&self) -> Box<dyn Callback> {
        Box::new(*self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
