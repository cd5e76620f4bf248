//! `InverseTimeDecay`'s binding.

use crate::python::classes::num_attribute;

rate_and_one_class!(
    PyInverseTimeDecay,
    InverseTimeDecay,
    "InverseTimeDecay",
    "Inverse-time decay, as `paddle.optimizer.lr.InverseTimeDecay`.

`lr = base_lr / (1 + gamma * epoch)` (`ZeroDivisionError` where the denominator is 0).",
    gamma,
    "(learning_rate, gamma, last_epoch=-1, verbose=False)",
    |a: &Args<'_>| a.num("gamma"),
    |s: &Bound<'_, PyLRScheduler>| num_attribute(s, |k: &InverseTimeDecay| k.gamma),
);
