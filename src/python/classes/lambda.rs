//! `LambdaDecay`'s binding.

use crate::python::callback::callback_of;

rate_and_one_class!(
    PyLambdaDecay,
    LambdaDecay,
    "LambdaDecay",
    "The base learning rate scaled by a function of the epoch, as
`paddle.optimizer.lr.LambdaDecay`.

`lr = base_lr * lr_lambda(epoch)`. `lr_lambda` is called with the int epoch and may return an
int or a float (other numbers go through `float()`); its exceptions propagate and leave the
scheduler unchanged. Copies of the scheduler (`copy.deepcopy`, `precompute`) share the
function. While it runs, the function may read its scheduler (`sched()`, `last_epoch`);
stepping that scheduler from it raises `RuntimeError`.",
    lr_lambda,
    "(learning_rate, lr_lambda, last_epoch=-1, verbose=False)",
    |a: &Args<'_>| callback_of(a.required("lr_lambda")?, "lr_lambda", "LambdaDecay"),
    |s: &Bound<'_, PyLRScheduler>| -> PyResult<Py<PyAny>> { Ok(s.get().user_function(s.py())) },
);
