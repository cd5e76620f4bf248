//! The kernel abstraction every scheduler implements, and paddle's base `step()` logic.
//!
//! A kernel holds one scheduler's parameters and state. Its `step` follows
//! `paddle.optimizer.lr.LRScheduler.step` exactly: `last_epoch` is advanced (or set), then the
//! value comes from `get_lr` (or `_get_closed_form_lr` for an explicit epoch, where the class has
//! one). Every step is transactional: on error the kernel is left as it was.

use std::any::Any;
use std::sync::Arc;

use crate::bulk::Scan;
use crate::callback::Callback;
use crate::error::{CoreError, CoreResult};
use crate::lock_free::LockFreeStep;
use crate::pyops::Num;
use crate::schedules::metric::Metric;

/// The state every paddle scheduler has (`LRScheduler.__init__`'s attributes).
#[derive(Clone, Debug, PartialEq)]
pub struct Common {
    /// `base_lr`: `float(learning_rate)`.
    pub base_lr: f64,
    /// `last_lr`: the value `__call__` returns; an int only where paddle passes one through.
    pub last_lr: Num,
    /// `last_epoch`.
    pub last_epoch: i64,
    /// `verbose`: print paddle's line after each step.
    pub verbose: bool,
    /// The name `verbose` prints where it is not the kernel's class name: a Python subclass's
    /// (paddle prints `type(self).__name__`), set by the binding layer.
    pub display_name: Option<Arc<str>>,
}

impl Common {
    /// The state `LRScheduler.__init__` sets before its first `step()`.
    pub fn new(base_lr: f64, last_epoch: i64, verbose: bool) -> Self {
        Self {
            base_lr,
            last_lr: Num::Float(base_lr),
            last_epoch,
            verbose,
            display_name: None,
        }
    }
}

/// One `verbose` line: `Epoch {epoch}: {class_name} set learning rate to {lr}.`
#[derive(Clone, Debug, PartialEq)]
pub struct VerboseLine {
    pub class_name: Arc<str>,
    pub epoch: i64,
    pub lr: Num,
}

/// Collects the verbose lines of one call, in the order paddle prints them (inner schedulers
/// first), so the binding layer can print them through Python's `sys.stdout`.
#[derive(Debug, Default)]
pub struct Log {
    lines: Vec<VerboseLine>,
    muted: bool,
}

impl Log {
    /// A log that records verbose lines.
    pub fn new() -> Self {
        Self::default()
    }
    /// A log that drops everything (used by `precompute`, which must not print).
    pub fn muted() -> Self {
        Self {
            lines: Vec::new(),
            muted: true,
        }
    }
    /// Record a line if the scheduler is verbose, under its display name if it has one.
    pub fn emit(&mut self, class_name: &'static str, common: &Common) {
        if common.verbose && !self.muted {
            self.lines.push(VerboseLine {
                class_name: common
                    .display_name
                    .clone()
                    .unwrap_or_else(|| class_name.into()),
                epoch: common.last_epoch,
                lr: common.last_lr,
            });
        }
    }
    /// The lines recorded so far.
    pub fn lines(&self) -> &[VerboseLine] {
        &self.lines
    }
    /// Drop the lines recorded after `mark` (a step that failed prints nothing).
    pub fn truncate(&mut self, mark: usize) {
        self.lines.truncate(mark);
    }
}

/// A value in a state dict, as paddle stores it.
#[derive(Clone, Debug, PartialEq)]
pub enum StateValue {
    Int(i64),
    Num(Num),
    OptNum(Option<Num>),
    /// A `metrics` value (`ReduceOnPlateau.best`), with its kind and dtype.
    Metric(Option<Metric>),
}

impl StateValue {
    /// The entry `name` as a number (`None` refused).
    pub fn as_num(&self, name: &str) -> CoreResult<Num> {
        match self {
            Self::Int(i) => Ok(Num::Int(*i)),
            Self::Num(n) | Self::OptNum(Some(n)) => Ok(*n),
            Self::Metric(Some(m)) => Ok(m.as_num()),
            Self::OptNum(None) | Self::Metric(None) => Err(CoreError::type_error(format!(
                "state_dict['{name}'] must be a number, got None"
            ))),
        }
    }
}

/// One scheduler's parameters and state, with paddle's stepping semantics.
pub trait Kernel: Send + Sync + 'static {
    /// The paddle class name, as printed by `verbose`.
    fn class_name(&self) -> &'static str;
    /// The common state.
    fn common(&self) -> &Common;
    /// The common state, mutably.
    fn common_mut(&mut self) -> &mut Common;
    /// paddle's `get_lr()` at `common().last_epoch` (it may step nested schedulers, as paddle's
    /// `LinearWarmup.get_lr` does).
    fn get_lr(&mut self, log: &mut Log) -> CoreResult<Num>;
    /// paddle's `_get_closed_form_lr()`, for classes that define it.
    fn closed_form_lr(&self) -> Option<CoreResult<Num>> {
        None
    }
    /// paddle's `step(epoch)`. The default is `LRScheduler.step`; classes that override `step`
    /// in paddle override this.
    fn step(&mut self, epoch: Option<i64>, log: &mut Log) -> CoreResult<()> {
        base_step(self, epoch, log)
    }
    /// Whether the value `step(Some(e))` produces depends on `e` alone (no recurrence on
    /// `last_lr`, no user callback), so that `lr_at` can evaluate it from any thread.
    fn is_pure(&self) -> bool {
        false
    }
    /// For a pure kernel: the value `step(Some(epoch))` would produce, without touching state.
    fn lr_at(&self, _epoch: i64) -> CoreResult<Num> {
        Err(CoreError::runtime(
            "lr_at called on a schedule that is not pure",
        ))
    }
    /// For a pure kernel: `out[i] = lr_at(first_epoch + i)` as floats. Override with a tight
    /// loop where one helps; the default calls `lr_at` per element.
    fn fill_from(&self, first_epoch: i64, out: &mut [f64]) -> CoreResult<()> {
        for (slot, epoch) in out.iter_mut().zip(first_epoch..) {
            *slot = self.lr_at(epoch)?.as_f64();
        }
        Ok(())
    }
    /// For a pure kernel: `out[i] = lr_at(epochs[i])` as floats, for epochs in any order.
    /// `epochs` is the caller's scratch: a kernel may overwrite it (a nest maps it to its own
    /// epochs in place). The default calls `lr_at` per element; a kernel that nests another
    /// overrides it to reach the nest once for all its epochs.
    fn values_at(&self, epochs: &mut [i64], out: &mut [f64]) -> CoreResult<()> {
        for (slot, epoch) in out.iter_mut().zip(epochs) {
            *slot = self.lr_at(*epoch)?.as_f64();
        }
        Ok(())
    }
    /// A step that needs no lock (see `lock_free`), for a kernel whose only state is
    /// `last_epoch` and `last_lr` and whose `step(epoch)` value depends on the epoch alone,
    /// sequential steps included. `None` (the default) where that does not hold.
    fn lock_free_step(&self) -> Option<Box<dyn LockFreeStep>> {
        None
    }
    /// Whether `step(None)` produces the same value as `step(Some(last_epoch + 1))`.
    fn sequential_is_explicit(&self) -> bool {
        true
    }
    /// Whether stepping calls back into Python (user callables or nested Python schedulers),
    /// in which case precomputation must hold the GIL and run sequentially.
    fn calls_python(&self) -> bool {
        false
    }
    /// Whether the tree holds a foreign scheduler (a Python object only Python can copy).
    fn holds_foreign(&self) -> bool {
        false
    }
    /// How many `LinearWarmup` levels this kernel is, itself included (0 for a schedule that
    /// nests nothing); bounded by `schedules::linear_warmup::MAX_NESTING` at construction.
    fn nesting_depth(&self) -> usize {
        0
    }
    /// The user's functions this kernel calls (the binding shows the objects behind them to
    /// Python's garbage collector).
    fn callbacks(&self) -> Vec<&dyn Callback> {
        Vec::new()
    }
    /// Refuse a precompute horizon that stepping would refuse (OneCycleLR past `total_steps`),
    /// before anything is allocated. `n` values from the current one, that is `n - 1` more
    /// `step()` calls; the default checks the epochs they reach with `check_epochs`.
    fn check_horizon(&self, n: usize) -> CoreResult<()> {
        let Some(steps) = n.checked_sub(1).filter(|s| *s > 0) else {
            return Ok(());
        };
        let last = self.common().last_epoch;
        let first = next_epoch(last)?;
        let end = i64::try_from(steps)
            .ok()
            .and_then(|s| last.checked_add(s))
            .ok_or_else(|| {
                CoreError::overflow(format!("{steps} steps past epoch {last} overflow"))
            })?;
        self.check_epochs(first, end)
    }
    /// Refuse stepping through the epochs `first..=last` in order (sequentially or as
    /// explicit epochs from a `LinearWarmup`) where a step would raise before computing a
    /// value; the error is the one the first refused epoch raises. The default refuses none.
    fn check_epochs(&self, _first: i64, _last: i64) -> CoreResult<()> {
        Ok(())
    }
    /// `out[i]` = `last_lr` after `i + 1` more `step()` calls, leaving the kernel stepped (the
    /// sequential half of `precompute`). Override with an exact shortcut where one exists.
    fn fill_by_stepping(&mut self, out: &mut [f64]) -> CoreResult<()> {
        let mut log = Log::muted();
        for slot in out {
            self.step(None, &mut log)?;
            *slot = self.common().last_lr.as_f64();
        }
        Ok(())
    }
    /// For a recurrence: its sequential fill from the current state split into terms computed
    /// in parallel and an ordered fold (see `bulk::Scan`), with the values `fill_by_stepping`
    /// gives. `None` (the default) steps instead. Only asked when `last_lr` is a float.
    fn scan(&self) -> Option<Box<dyn Scan>> {
        None
    }
    /// The bookkeeping paddle's `step(epoch)` does before it computes the value (`last_epoch`
    /// advanced or set; a class that overrides `step` updates its own state too). Returns
    /// whether the value then comes from `_get_closed_form_lr` (where the class has one)
    /// rather than `get_lr`. Used to step a Python subclass that overrides `get_lr`.
    fn advance(&mut self, epoch: Option<i64>) -> CoreResult<bool> {
        let common = self.common_mut();
        common.last_epoch = match epoch {
            None => next_epoch(common.last_epoch)?,
            Some(e) => e,
        };
        Ok(epoch.is_some())
    }
    /// A deep copy that shares nothing with `self` (nested schedulers are copied too).
    fn deep_clone(&self) -> CoreResult<Box<dyn Kernel>>;
    /// A copy for reading the parameters (attribute getters), never stepped and holding no
    /// Python object: the default is `deep_clone` with `detach_callbacks`; a kernel that nests
    /// another leaves the nest out.
    fn parameters(&self) -> CoreResult<Box<dyn Kernel>> {
        let mut copy = self.deep_clone()?;
        copy.detach_callbacks();
        Ok(copy)
    }
    /// Replace the user's functions by `callback::Detached` (see `parameters`).
    fn detach_callbacks(&mut self) {}
    /// paddle's `state_keys()`: the keys `state_dict()` saves and `set_state_dict()` requires.
    fn state_keys(&self) -> Vec<&'static str> {
        vec!["last_epoch", "last_lr"]
    }
    /// Class-specific state-dict entries after paddle's `last_epoch` and `last_lr`.
    fn extra_state(&self) -> Vec<(&'static str, StateValue)> {
        Vec::new()
    }
    /// Load class-specific entries (already parsed by the caller; only the keys present in
    /// the dict). Called after `last_epoch` and `last_lr` are loaded into `common()`; on error
    /// the kernel must be left unchanged.
    fn load_extra_state(&mut self, _entries: &[(&'static str, StateValue)]) -> CoreResult<()> {
        Ok(())
    }
    /// For downcasting to the concrete kernel (attribute getters).
    fn as_any(&self) -> &dyn Any;
    /// For downcasting to the concrete kernel, mutably.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

/// paddle's `LRScheduler.step`: advance or set `last_epoch`, then take the value from
/// `get_lr` (or the closed form for an explicit epoch). Transactional.
pub fn base_step<K: Kernel + ?Sized>(
    kernel: &mut K,
    epoch: Option<i64>,
    log: &mut Log,
) -> CoreResult<()> {
    let saved = kernel.common().clone();
    let new_epoch = match epoch {
        None => next_epoch(saved.last_epoch)?,
        Some(e) => e,
    };
    kernel.common_mut().last_epoch = new_epoch;
    let mark = log.lines().len();
    let value = match epoch {
        Some(_) => match kernel.closed_form_lr() {
            Some(v) => v,
            None => kernel.get_lr(log),
        },
        None => kernel.get_lr(log),
    };
    match value {
        Ok(v) => {
            kernel.common_mut().last_lr = v;
            log.emit(kernel.class_name(), kernel.common());
            Ok(())
        }
        Err(e) => {
            *kernel.common_mut() = saved;
            log.truncate(mark);
            Err(e)
        }
    }
}

/// `last_epoch + 1`, refusing to wrap.
pub fn next_epoch(last_epoch: i64) -> CoreResult<i64> {
    last_epoch
        .checked_add(1)
        .ok_or_else(|| CoreError::overflow(format!("last_epoch {last_epoch} cannot be advanced")))
}

/// The `Kernel` methods every kernel writes the same way, for a `Clone` type with a
/// `common: Common` field: `common`, `common_mut`, `as_any`, `as_any_mut` and (without
/// `@access`) `deep_clone` by `Clone`. Use it inside `impl Kernel for ...`.
macro_rules! kernel_plumbing {
    () => {
        $crate::schedule::kernel_plumbing!(@access);
        fn deep_clone(
            &self,
        ) -> $crate::error::CoreResult<Box<dyn $crate::schedule::Kernel>> {
            Ok(Box::new(self.clone()))
        }
    };
    (@access) => {
        fn common(&self) -> &$crate::schedule::Common {
            &self.common
        }
        fn common_mut(&mut self) -> &mut $crate::schedule::Common {
            &mut self.common
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
        fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
            self
        }
    };
}
pub(crate) use kernel_plumbing;
