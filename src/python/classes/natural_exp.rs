//! `NaturalExpDecay`'s binding.

use crate::python::classes::num_attribute;

rate_and_one_class!(
    PyNaturalExpDecay,
    NaturalExpDecay,
    "NaturalExpDecay",
    "Natural exponential decay, as `paddle.optimizer.lr.NaturalExpDecay`.

`lr = base_lr * exp(-1 * gamma * epoch)`, with `gamma > 0`.",
    gamma,
    "(learning_rate, gamma, last_epoch=-1, verbose=False)",
    |a: &Args<'_>| a.num("gamma"),
    |s: &Bound<'_, PyLRScheduler>| num_attribute(s, |k: &NaturalExpDecay| k.gamma),
);
