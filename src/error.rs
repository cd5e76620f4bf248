//! The one error type of the pure core. The PyO3 layer maps each variant to the Python
//! exception paddle (or CPython arithmetic under paddle) would raise.

use std::any::Any;
use std::fmt;

/// An error from a schedule kernel or from Python-number arithmetic.
pub enum CoreError {
    /// Invalid argument or value: `ValueError`.
    Value(String),
    /// Wrong type: `TypeError`.
    Type(String),
    /// Division or power by zero as CPython reports it: `ZeroDivisionError`.
    ZeroDivision(String),
    /// A result or argument out of range: `OverflowError`.
    Overflow(String),
    /// Misuse of a scheduler's state (missing state-dict key, re-entrant step): `RuntimeError`.
    Runtime(String),
    /// A method a Python subclass must provide: `NotImplementedError`.
    NotImplemented(String),
    /// An exception raised by user code (a Python callable or nested Python scheduler), carried
    /// opaquely through the core and re-raised unchanged by the binding layer.
    External(Box<dyn Any + Send + Sync>),
}

/// Result of every fallible core operation.
pub type CoreResult<T> = Result<T, CoreError>;

impl CoreError {
    pub fn value(msg: impl Into<String>) -> Self {
        Self::Value(msg.into())
    }
    pub fn type_error(msg: impl Into<String>) -> Self {
        Self::Type(msg.into())
    }
    pub fn zero_division(msg: impl Into<String>) -> Self {
        Self::ZeroDivision(msg.into())
    }
    pub fn overflow(msg: impl Into<String>) -> Self {
        Self::Overflow(msg.into())
    }
    pub fn runtime(msg: impl Into<String>) -> Self {
        Self::Runtime(msg.into())
    }
}

impl fmt::Debug for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value(m) => write!(f, "ValueError({m:?})"),
            Self::Type(m) => write!(f, "TypeError({m:?})"),
            Self::ZeroDivision(m) => write!(f, "ZeroDivisionError({m:?})"),
            Self::Overflow(m) => write!(f, "OverflowError({m:?})"),
            Self::Runtime(m) => write!(f, "RuntimeError({m:?})"),
            Self::NotImplemented(m) => write!(f, "NotImplementedError({m:?})"),
            Self::External(_) => write!(f, "External(..)"),
        }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
