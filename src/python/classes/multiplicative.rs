//! `MultiplicativeDecay`'s binding.

use crate::python::callback::callback_of;

rate_and_one_class!(
    PyMultiplicativeDecay,
    MultiplicativeDecay,
    "MultiplicativeDecay",
    "The learning rate multiplied by a factor at every epoch, as
`paddle.optimizer.lr.MultiplicativeDecay`.

`lr = base_lr * lr_lambda(1) * lr_lambda(2) * ... * lr_lambda(epoch)` (left to right; `base_lr`
at epoch 0). paddle recomputes the whole product at every step; fastwarmup extends the last
product (the same multiplications in the same order, so the same values), calling `lr_lambda`
once per sequential step, and starts again from epoch 1 only after a step back. So the number
of calls differs from paddle's: the values agree for any `lr_lambda` whose result depends on its
argument alone. `lr_lambda` may return an int or a float (other numbers go through `float()`);
its exceptions propagate and leave the scheduler unchanged. Copies of the scheduler
(`copy.deepcopy`, `precompute`) share the function. While it runs, the function may read its
scheduler (`sched()`, `last_epoch`); stepping that scheduler from it raises `RuntimeError`.",
    lr_lambda,
    "(learning_rate, lr_lambda, last_epoch=-1, verbose=False)",
    |a: &Args<'_>| callback_of(a.required("lr_lambda")?, "lr_lambda", "MultiplicativeDecay"),
    |s: &Bound<'_, PyLRScheduler>| -> PyResult<Py<PyAny>> { Ok(s.get().user_function(s.py())) },
);
