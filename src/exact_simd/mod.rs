//! Vectorised transcendental functions that return the platform libm's bits.
//!
//! # `pow_exact`
//!
//! [`pow_exact`] writes `x[i].powf(y)` for every `i`: the very bits of the platform `pow` (glibc's,
//! the function CPython's `math.pow` and `**` call), for every input. It does not copy glibc's
//! instruction order; exactness comes from an error bound plus a per-lane fallback.
//!
//! ## Method
//!
//! 1. Per lane (AVX2 + FMA, 4 lanes) the kernel computes `o = H + L`, an unevaluated
//!    double-double with `H = RN(H + L)`, `|L| <= ulp(H)/2`, approximating `t = x^y` within
//!    `e_ours` ULP of `H`. Own tables (`tables.rs`, written by `gen_tables.py` with exact
//!    rationals and 90-digit `decimal` arithmetic; it also asserts the preconditions below):
//!    - `log x = k ln2 + log c + log1p(r)`: `x = 2^k z`, `z` in `[0.708, 1.417)` cut into 128
//!      bit-range intervals; `1/c` = the correctly rounded inverse of the interval centre, exactly
//!      1 on the interval holding 1; `r = z/c - 1 = (RN(z/c) - 1) + fma-error`, exactly;
//!      `|r| <= 2^-8.009`; `log c` stored as hi + lo. `k ln2 + log c_hi + r - r^2/2` is summed
//!      exactly with Fast2Sum (`|k ln2| > |log c|`; off the centre interval
//!      `|log c| >= |r| + 2^-16`, checked by the generator) and an exact `fma` product for `r^2`;
//!      the rest (`r^3/3 - ... - r^8/8` by Horner, `log c_lo`, `k ln2_lo`, the rounding errors,
//!      `rlo (1 - r + r^2)`) goes to `lo`. Absolute error of `hi + lo` below `2^-73.4`
//!      (polynomial rounding `2^-77`, truncation `r^9/9 < 2^-75.2`, 7 rounded additions of
//!      terms below `2^-24`: `2^-74.2`, neglected `rlo r^3`: `2^-77`).
//!    - `z = y log x` as a normalised double-double `zh + zl` (error `|y| 2^-73 + |z| 2^-105`).
//!    - `e^z` by the exp stage shared with [`exp_exact`] (see "The exp stage" below): relative
//!      error `<= 2^-67.6`.
//!    - Total: `e_ours <= 2^-14.6 + |y| 2^-20 + |z| 2^-52` ULP (`ULP = ulp(H)`; a relative
//!      error `d` is at most `d 2^53` ULP). The code uses `2^-12 + |y| 2^-16 + |z| 2^-48`.
//! 2. glibc's pow (since 2.28; the ARM optimized-routines code) states in
//!    `sysdeps/ieee754/dbl-64/e_pow.c`: "Worst-case error: 0.54 ULP (~= ulperr_exp +
//!    1024*Ln2*relerr_log*2^53); relerr_log: 1.3 * 2^-68 (Relative error of log, 1.5 * 2^-68
//!    without fma); ulperr_exp: 0.509 ULP (ULP error of exp, 0.511 ULP without fma)" (the same
//!    comment heads the ARM/musl `pow.c`, e.g. ChariotOS/chariot `lib/m/pow.c`, found with the
//!    code search). So `|g - t| <= 0.5 + e_g` ULP with `e_g = 0.009 + |z| 1.3 2^-15`. We use
//!    `e_g = 0.02 + |z| 2^-13` (2.2x and 3x slack). Measured (test `exact_simd_glibc_error`,
//!    4*10^7 inputs of the hot domain): max `|g - t|` = 0.5077 ULP.
//! 3. If `H + L` is farther than `e_g + e_ours` ULP from both midpoints around `H`, i.e.
//!    `|L| <= (0.5 - e_g - e_ours) ulp(H)`, then `t` is farther than `e_g` from them, so the only
//!    double within `0.5 + e_g` ULP of `t` is `H`: glibc returns `H`. Lanes failing the test,
//!    lanes where `H` is a power of two (the ULP changes there), and lanes outside the domain
//!    (`x` not a positive normal finite double, `|z| >= 600`) are recomputed with the scalar
//!    `powf`, exact by definition. A `y` that is 0, non-finite or `|y| > 2^60` sends the whole
//!    call to the scalar loop. The fallback rate is about `2 (e_g + e_ours)`: 4.1% for
//!    `x = 1 - t/10^6`, `y = 0.9`; exact and near-midpoint cases (e.g. `x = 1 - k 2^-53`,
//!    `y = 0.9`: 10% of those are within 10^-3 ULP of a midpoint) always fall back.
//!
//! Speed (single thread, this 2-core AMD EPYC (Zen 3), shared): ~7.5 ns/element against
//! ~13.4 ns/element for the scalar `powf` loop (test `exact_simd_bench`). Table rows are loaded
//! per lane and transposed (faster than `vgatherqpd` on Zen); rejected lanes are recomputed
//! after each 512-element block so the vector loop has no calls or data-dependent branches.
//!
//! # `exp_exact`
//!
//! [`exp_exact`] writes `x[i].exp()` for every `i`: the bits of the platform `exp` (glibc's,
//! what CPython's `math.exp` calls), by the same method.
//!
//! 1. The exp stage below at `zh = x`, `zl = 0`: `o = H + L` within `e_ours <= 2^-14.6` ULP of
//!    `e^x` (relative error `2^-67.6`, times `2^53`); the code uses `2^-12`.
//! 2. glibc's exp (since 2.28; `sysdeps/ieee754/dbl-64/e_exp.c`, the same ARM
//!    optimized-routines code as the exp inside pow) is the `ulperr_exp` quoted above: 0.509 ULP
//!    (0.511 without fma; `e_exp.c`: "worst case error is less than 0.5+1.11/N+(abs poly error *
//!    2^53) ulp", `N = 128`), for every normal result (its `specialcase` path, `|x| >= 512`,
//!    scales the same arithmetic by a power of two while the result is normal). That is
//!    glibc's own estimate in its comments, not a proof; the gate requires FMA, so the FMA
//!    build's 0.509 is the one that applies. We use `e_g = 0.02` (2.2x slack). Measured
//!    (`exact_simd_big_exp`, 6.5*10^6 lanes with normal results and `|x| <= 700`): max
//!    `|g - t|` = 0.5074 ULP.
//! 3. The midpoint test of `pow_exact` with margin `e_g + e_ours = 0.02 + 2^-12` ULP. Lanes
//!    failing it, lanes where `H` is a power of two (`x` near `k ln2`, `|x| < 2^-53`, `x = 0`),
//!    and lanes with `x` outside `[-708.3, 709.75]` (where results are normal and finite) or NaN
//!    are recomputed with the scalar `exp`, except `x <= -746` (and `-inf`), where the result is
//!    `+0`: glibc returns `+0` for `x <= -1024` (`__math_uflow (0)`) and for `-inf`; in between
//!    its `specialcase` computes `e^x 2^1022 < 0.22 * 2^-52` with a relative error near
//!    `2^-60`, adds it to 1 (giving 1) and returns `(1 - 1) * 2^-1022 = +0` (`e^x` is below
//!    a quarter of the smallest subnormal, so no `exp` within one subnormal ULP returns other
//!    than `+0`). The fallback rate is about `2 (e_g + e_ours)` where the result is normal:
//!    3.6% for `x = -0.1 e`, `e < 7084`; 0.063% over `e < 10^6` (from `e = 7460` on,
//!    `x <= -746`, the lanes are `+0`).
//!
//! Speed (single thread, same machine, test `exact_simd_bench_exp`): `x = -0.1 e`, `e < 7084`
//! (normal results): ~2.5 ns/element against ~4.8 ns/element for the scalar `exp` loop;
//! `e < 10^6` (mostly `+0`): ~2.9 against ~9.1 (glibc's underflow path sets `errno`).
//!
//! # The exp stage
//!
//! `e^(zh + zl)` for a double-double `zh + zl` (`|zl| <= ulp(zh)`, or `zl = 0`),
//! `|zh| <= 709.75`: `e^z = 2^(e + j/128) e^(r2h) e^(r2l)`, `kd = 128 e + j = round(zh * INV)`,
//! with `INV <= 1/C_HI` so that `r2h = zh - kd*C_HI` is exact (Sterbenz; `kd*C_HI` exact for
//! `|kd| < 2^17`, `C_HI` has 36 bits), `|r2h| <= 2^-8.5`; `r2l = zl - kd*C_LO`, `|r2l| <= 2^-27`
//! (`|kd C_LO| < 2^-29`; `kd (C_HI + C_LO)` within `2^-82` of `kd ln2/128`),
//! `e^r2l - 1 = r2l + r2l^2/2`; `e^r2h - 1 - r2h` by Taylor to degree 6 (truncation
//! `< 2^-71.7`); `2^(j/128)` as hi and relative lo; the result `sc (1 + r2h + G)` summed with an
//! exact `fma` product and Fast2Sum into `H' + L'`. Relative error `<= 2^-67.6`. For exp (`zh`
//! in `[-708.3, 709.75]`, others rejected and computed clamped) the power of two is split,
//! `2^e = 2^(e1) 2^(e2)` with `e1, e2` in `[-512, 512]`: `sc = 2^(j/128) 2^(e1)`, so every
//! intermediate is a normal double whatever `e`; the midpoint test runs on `H' + L'` (the same
//! test as on `H + L`: the scaling is by a power of two), and `H = H' 2^(e2)`, exact as `H` is
//! normal (`e^-708.3 > 1.1 * 2^-1022`). pow (`|z| < 600`) uses `e2 = 0`.
//!
//! ## Gating
//!
//! [`pow_is_vectorised`] and [`exp_is_vectorised`] (each decided once, cached in a `OnceLock`):
//! x86_64 with `avx2` and `fma` at run time, glibc >= 2.28 (`gnu_get_libc_version`: the pow and
//! exp the bounds are stated for), and a start-up self-check agreeing bit for bit with libm
//! (pow: 4000 inputs x 14 exponents, including exact cases, midpoints, values near 1, powers of
//! two and specials; exp: 5000 inputs: schedule exponents `-gamma e`, integers, `k ln2`, tiny,
//! subnormal, thresholds, specials). Anywhere else (other arch, musl, failed check)
//! `pow_exact` and `exp_exact` are scalar loops.
//!
//! ## Tests
//!
//! `cargo test exact_simd`: ~200k random and edge inputs bit for bit against `powf`, and ~250k
//! against `exp`, through the kernels directly and through `pow_exact` / `exp_exact`.
//! `cargo test --release exact_simd_big -- --ignored --nocapture`: `exact_simd_big`
//! (1.05*10^8 inputs: uniform and log-uniform `x`, `x` near 1 on both sides, `1 - t/d`, powers
//! of two, subnormals, arbitrary bit patterns, `y` = 0.9, 2, integers, 0.5..10, -10..10, tiny and
//! huge; plus specials x specials, ~7 s) and `exact_simd_big_exp` (1.05*10^8 inputs: uniform in
//! `[-745, 710]`, `-gamma e` for six gammas and `e <= 10^7`, tiny and subnormal, integers, near
//! the overflow and underflow thresholds, `k ln2`, arbitrary bit patterns, specials; it also
//! measures glibc's exp error). `exact_simd_glibc_error` (the empirical glibc pow error above)
//! and `exact_simd_bench` / `exact_simd_bench_exp` are ignored tests too.
#![allow(unsafe_code)]

#[cfg(target_arch = "x86_64")]
mod tables;

use std::sync::OnceLock;

/// Writes `x[i].powf(y)` into `out[i]`, bit for bit, for `i < min(x.len(), out.len())`
/// (callers pass equal lengths). Vectorised when [`pow_is_vectorised`] is true.
pub fn pow_exact(x: &[f64], y: f64, out: &mut [f64]) {
    debug_assert_eq!(x.len(), out.len());
    #[cfg(target_arch = "x86_64")]
    if pow_is_vectorised() {
        avx2::pow_exact_checked(x, y, out);
        return;
    }
    pow_scalar(x, y, out);
}

/// Writes `x[i].exp()` into `out[i]`, bit for bit, for `i < min(x.len(), out.len())`
/// (callers pass equal lengths). Vectorised when [`exp_is_vectorised`] is true.
pub fn exp_exact(x: &[f64], out: &mut [f64]) {
    debug_assert_eq!(x.len(), out.len());
    #[cfg(target_arch = "x86_64")]
    if exp_is_vectorised() {
        avx2::exp_exact_checked(x, out);
        return;
    }
    exp_scalar(x, out);
}

/// True when [`pow_exact`] uses the AVX2 kernel (see the module docs for the conditions).
pub fn pow_is_vectorised() -> bool {
    static DECISION: OnceLock<bool> = OnceLock::new();
    *DECISION.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            platform_is_suitable() && self_check_pow()
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

/// True when [`exp_exact`] uses the AVX2 kernel (the conditions of [`pow_is_vectorised`], with
/// its own self-check).
pub fn exp_is_vectorised() -> bool {
    static DECISION: OnceLock<bool> = OnceLock::new();
    *DECISION.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            platform_is_suitable() && self_check_exp()
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    })
}

fn pow_scalar(x: &[f64], y: f64, out: &mut [f64]) {
    for (o, &xi) in out.iter_mut().zip(x) {
        *o = xi.powf(y);
    }
}

fn exp_scalar(x: &[f64], out: &mut [f64]) {
    for (o, &xi) in out.iter_mut().zip(x) {
        *o = xi.exp();
    }
}

/// The conditions both kernels share: avx2 and fma at run time, and glibc >= 2.28.
#[cfg(target_arch = "x86_64")]
fn platform_is_suitable() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
        && glibc_is_modern()
}

/// glibc >= 2.28 (the ARM optimized-routines pow and exp whose error bounds the kernels rely
/// on).
#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
fn glibc_is_modern() -> bool {
    extern "C" {
        fn gnu_get_libc_version() -> *const std::ffi::c_char;
    }
    // SAFETY: glibc's gnu_get_libc_version takes no arguments and returns a pointer to a static,
    // NUL-terminated string that lives for the whole process.
    let version = unsafe { std::ffi::CStr::from_ptr(gnu_get_libc_version()) };
    let Ok(version) = version.to_str() else {
        return false;
    };
    parse_version(version).is_some_and(|v| v >= (2, 28))
}

#[cfg(all(
    target_arch = "x86_64",
    not(all(target_os = "linux", target_env = "gnu"))
))]
fn glibc_is_modern() -> bool {
    false
}

/// `"2.36"` -> `(2, 36)`; trailing parts (`"2.35.1"`) are ignored.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn parse_version(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.split('.');
    let major = parts.next()?.trim().parse().ok()?;
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, minor.parse().ok()?))
}

/// Deterministic probe inputs: hard and typical cases for the self-check and the tests.
#[cfg_attr(not(any(target_arch = "x86_64", test)), allow(dead_code))]
fn probe_xs() -> Vec<f64> {
    let mut xs = Vec::with_capacity(4096);
    // Schedule-like values 1 - t/d.
    for d in [7.0, 100.0, 1000.0, 12345.0, 1e6] {
        for t in 0..200 {
            xs.push(1.0 - f64::from(t) / d);
        }
    }
    // Just below and above 1, powers of two, exact squares (midpoint cases for y = 2).
    for k in 1..=64 {
        xs.push(1.0 - f64::from(k) * f64::EPSILON / 2.0);
        xs.push(1.0 + f64::from(k) * f64::EPSILON);
    }
    for e in -1074..=1023 {
        if e % 7 == 0 || (-5..=5).contains(&e) {
            xs.push(2f64.powi(e));
        }
    }
    for m in 1..200u32 {
        // For odd m, ((2^27 - m)/2^27)^2 has 54 significant bits: an exact midpoint for y = 2.
        xs.push(f64::from((1u32 << 27) - m) / f64::from(1u32 << 27));
        xs.push(f64::from(m) / 256.0);
    }
    // Special values.
    xs.extend_from_slice(&[
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -1.0,
        -0.5,
        -2.0,
        f64::MIN_POSITIVE,
        f64::MIN_POSITIVE / 3.0,
        f64::MAX,
        5e-324,
    ]);
    // Pseudo-random x in (0, 1] (xorshift, fixed seed).
    let mut s = 0x9E37_79B9_7F4A_7C15_u64;
    while xs.len() < 4000 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        xs.push(((s >> 11) as f64 + 1.0) / (1u64 << 53) as f64);
    }
    xs
}

#[cfg_attr(not(any(target_arch = "x86_64", test)), allow(dead_code))]
const PROBE_YS: [f64; 14] = [
    0.9, 0.5, 1.0, 2.0, 3.0, 1.5, 10.0, 0.1, 7.25, 1e-10, 123.456, -1.5, -2.0, 1e6,
];

#[cfg(target_arch = "x86_64")]
fn self_check_pow() -> bool {
    let xs = probe_xs();
    let mut got = vec![0.0; xs.len()];
    for y in PROBE_YS {
        avx2::pow_exact_checked(&xs, y, &mut got);
        let same = xs
            .iter()
            .zip(&got)
            .all(|(&x, &g)| x.powf(y).to_bits() == g.to_bits());
        if !same {
            return false;
        }
    }
    true
}

/// Deterministic probe inputs for `exp`: the self-check's and the tests' hard and typical cases.
#[cfg_attr(not(any(target_arch = "x86_64", test)), allow(dead_code))]
fn probe_exp_xs() -> Vec<f64> {
    let mut xs = Vec::with_capacity(5000);
    // Schedule exponents -gamma * e.
    for gamma in [1e-6, 1e-3, 0.01, 0.1, 0.5, 0.9, 1.0, 3.0] {
        for e in 0..200 {
            xs.push(-gamma * f64::from(e));
        }
        xs.push(-gamma * 1e4);
        xs.push(-gamma * 1e6);
    }
    // Integers over the whole range, k ln2 (results at powers of two) and its neighbours.
    for k in -746..=710 {
        xs.push(f64::from(k));
    }
    for k in -1075..=1024 {
        if k % 5 == 0 || (-8..=8).contains(&k) {
            let v = f64::from(k) * std::f64::consts::LN_2;
            xs.extend_from_slice(&[v, f64::from_bits(v.to_bits() + 1), -v]);
        }
    }
    // Tiny magnitudes around 2^-53 and subnormals; the overflow and underflow thresholds.
    for k in 0..60 {
        let t = 2f64.powi(-30 - k);
        xs.extend_from_slice(&[t, -t, t * 1.5, -t * 1.5]);
    }
    for v in [
        709.782_712_893_384,
        709.75,
        709.0,
        -708.396_418_532_264_1,
        -708.0,
        -745.133_219_101_941_1,
    ] {
        xs.extend_from_slice(&[
            v,
            f64::from_bits(v.to_bits() - 1),
            f64::from_bits(v.to_bits() + 1),
        ]);
    }
    // Special values.
    xs.extend_from_slice(&[
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        f64::MAX,
        -f64::MAX,
        1e300,
        -1e300,
    ]);
    // Pseudo-random x in [-745, 710] (xorshift, fixed seed).
    let mut s = 0x9E37_79B9_7F4A_7C15_u64;
    while xs.len() < 5000 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        xs.push(-745.0 + 1455.0 * ((s >> 11) as f64 / (1u64 << 53) as f64));
    }
    xs
}

#[cfg(target_arch = "x86_64")]
fn self_check_exp() -> bool {
    let xs = probe_exp_xs();
    let mut got = vec![0.0; xs.len()];
    avx2::exp_exact_checked(&xs, &mut got);
    xs.iter()
        .zip(&got)
        .all(|(&x, &g)| x.exp().to_bits() == g.to_bits())
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::tables::{
        EXP2_HI, EXP2_REL, INV_LN2_128, LN2_128_HI, LN2_128_LO, LN2_HI, LN2_LO, LOG_C_HI, LOG_C_LO,
        LOG_INVC, OFF,
    };
    #[allow(clippy::wildcard_imports)]
    use std::arch::x86_64::*;

    /// Cache-line aligned table rows, loaded with one vector load per lane and transposed
    /// (cheaper than `vgatherqpd` on AMD Zen).
    #[repr(C, align(64))]
    struct Aligned<T>(T);

    /// Rows `[1/c, log c hi, log c lo, 0]`.
    static LOG_ROWS: Aligned<[[f64; 4]; 128]> = Aligned({
        let mut t = [[0.0; 4]; 128];
        let mut i = 0;
        while i < 128 {
            t[i] = [LOG_INVC[i], LOG_C_HI[i], LOG_C_LO[i], 0.0];
            i += 1;
        }
        t
    });

    /// Rows `[2^(j/128) hi, lo/hi]`.
    static EXP_ROWS: Aligned<[[f64; 2]; 128]> = Aligned({
        let mut t = [[0.0; 2]; 128];
        let mut i = 0;
        while i < 128 {
            t[i] = [EXP2_HI[i], EXP2_REL[i]];
            i += 1;
        }
        t
    });

    /// Fixed part of the margin, in ULP: glibc's `0.509 - 0.5` taken as 0.02, plus `2^-12` for
    /// the rounding errors of this kernel (`2^-14.6` by the analysis in the module docs).
    const MARGIN_ULP: f64 = 0.02 + 1.0 / 4096.0;
    /// Per `|z|` (z = y log x): glibc's `1.3 * 2^-68 * 2^53` taken as `2^-13`, ours `2^-48`.
    const MARGIN_PER_Z: f64 = 1.0 / 8192.0 + 1.0 / 281_474_976_710_656.0;
    /// Per `|y|`: our absolute error of `log x` (`2^-73.4`, times `2^53`, taken as `2^-16`).
    const MARGIN_PER_Y: f64 = 1.0 / 65536.0;
    /// Lanes with `|y log x| >= Z_MAX` fall back (keeps every intermediate normal).
    const Z_MAX: f64 = 600.0;
    /// exp's margin, in ULP: glibc's `0.509 - 0.5` (0.511 without fma) taken as 0.02, plus
    /// `2^-12` for the exp stage (`2^-14.6`).
    const EXP_MARGIN_ULP: f64 = 0.02 + 1.0 / 4096.0;
    /// The wide exp stage rejects `zh` outside `[EXP_Z_MIN, EXP_Z_MAX]`: results are normal
    /// finite doubles (`e^EXP_Z_MIN > 1.1 * 2^-1022`), `|kd| = |round(zh 128/ln2)| < 2^17`
    /// (`kd*C_HI` exact, the exponent split in range).
    const EXP_Z_MAX: f64 = 709.75;
    const EXP_Z_MIN: f64 = -708.3;
    /// `exp(x)` is `+0` for `x <= EXP_ZERO_AT` (`e^-746 < 0.22 * 2^-1074`).
    const EXP_ZERO_AT: f64 = -746.0;

    /// The vector path with its per-lane fallback; correct for any input once the gate passed
    /// (the gate guarantees avx2 + fma, checked again here so the function stays sound).
    pub(super) fn pow_exact_checked(x: &[f64], y: f64, out: &mut [f64]) {
        let usable = y.is_finite() && y != 0.0 && y.abs() <= 1.152_921_504_606_847e18;
        if usable && is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: avx2 and fma were detected at run time just above.
            unsafe { pow_avx2(x, y, out) };
        } else {
            super::pow_scalar(x, y, out);
        }
    }

    /// Like [`pow_exact_checked`], returning how many lanes took the scalar fallback.
    #[cfg(test)]
    pub(super) fn pow_exact_counting(x: &[f64], y: f64, out: &mut [f64]) -> usize {
        let usable = y.is_finite() && y != 0.0 && y.abs() <= 1.152_921_504_606_847e18;
        assert!(usable && is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"));
        // SAFETY: avx2 and fma were detected at run time just above.
        unsafe { pow_avx2(x, y, out) }
    }

    /// The exp vector path with its per-lane fallback (as [`pow_exact_checked`]).
    pub(super) fn exp_exact_checked(x: &[f64], out: &mut [f64]) {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            // SAFETY: avx2 and fma were detected at run time just above.
            unsafe { exp_avx2(x, out) };
        } else {
            super::exp_scalar(x, out);
        }
    }

    /// Like [`exp_exact_checked`], returning how many lanes took the scalar fallback.
    #[cfg(test)]
    pub(super) fn exp_exact_counting(x: &[f64], out: &mut [f64]) -> usize {
        assert!(is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"));
        // SAFETY: avx2 and fma were detected at run time just above.
        unsafe { exp_avx2(x, out) }
    }

    /// Elements per block; the fallback lanes of a block are recomputed after the block, so
    /// the vector loop has no calls and no data-dependent branches.
    const BLOCK: usize = 512;

    /// `(H, L, domain-and-margin ok)` for 4 inputs, bypassing the fallback.
    #[cfg(test)]
    pub(super) fn parts(x: [f64; 4], y: f64) -> ([f64; 4], [f64; 4], [bool; 4]) {
        assert!(is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"));
        // SAFETY: avx2 and fma were detected at run time just above.
        unsafe { parts_avx2(x, y) }
    }

    #[cfg(test)]
    #[target_feature(enable = "avx2,fma")]
    fn parts_avx2(x: [f64; 4], y: f64) -> ([f64; 4], [f64; 4], [bool; 4]) {
        let base_margin = _mm256_set1_pd(MARGIN_ULP + y.abs() * MARGIN_PER_Y);
        // SAFETY: x is 4 readable f64s.
        let xv = unsafe { _mm256_loadu_pd(x.as_ptr()) };
        let (h, l, ok) = pow4(xv, _mm256_set1_pd(y), base_margin);
        unpack(h, l, ok)
    }

    /// `(H, L, ok)` as arrays.
    #[cfg(test)]
    #[target_feature(enable = "avx2")]
    fn unpack(h: __m256d, l: __m256d, ok: __m256d) -> ([f64; 4], [f64; 4], [bool; 4]) {
        let (mut hs, mut ls) = ([0.0; 4], [0.0; 4]);
        // SAFETY: hs and ls are 4 writable f64s each.
        unsafe {
            _mm256_storeu_pd(hs.as_mut_ptr(), h);
            _mm256_storeu_pd(ls.as_mut_ptr(), l);
        }
        let m = _mm256_movemask_pd(ok);
        (hs, ls, [0, 1, 2, 3].map(|i| m & (1 << i) != 0))
    }

    /// `(H, L, ok)` of the exp kernel for 4 inputs, bypassing the fallback.
    #[cfg(test)]
    pub(super) fn exp_parts(x: [f64; 4]) -> ([f64; 4], [f64; 4], [bool; 4]) {
        assert!(is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"));
        // SAFETY: avx2 and fma were detected at run time just above.
        unsafe { exp_parts_avx2(x) }
    }

    #[cfg(test)]
    #[target_feature(enable = "avx2,fma")]
    fn exp_parts_avx2(x: [f64; 4]) -> ([f64; 4], [f64; 4], [bool; 4]) {
        // SAFETY: x is 4 readable f64s.
        let xv = unsafe { _mm256_loadu_pd(x.as_ptr()) };
        let (h, l, ok) = exp4(xv);
        unpack(h, l, ok)
    }

    /// A 4-lane kernel and its scalar reference: what [`blocks`] runs.
    trait Lanes {
        /// `(H, ok)` for four inputs: `H` is the scalar function's result in every lane where
        /// `ok` is all ones.
        ///
        /// # Safety
        ///
        /// The CPU must support avx2 and fma.
        unsafe fn vector(&self, x: __m256d) -> (__m256d, __m256d);
        /// The scalar reference (the libm function itself).
        fn scalar(&self, x: f64) -> f64;
    }

    /// `x.powf(y)`.
    struct Pow {
        y: f64,
        yv: __m256d,
        base_margin: __m256d,
    }

    impl Lanes for Pow {
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn vector(&self, x: __m256d) -> (__m256d, __m256d) {
            let (h, _, ok) = pow4(x, self.yv, self.base_margin);
            (h, ok)
        }
        #[inline]
        fn scalar(&self, x: f64) -> f64 {
            x.powf(self.y)
        }
    }

    /// `x.exp()`.
    struct Exp;

    impl Lanes for Exp {
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn vector(&self, x: __m256d) -> (__m256d, __m256d) {
            let (h, _, ok) = exp4(x);
            (h, ok)
        }
        #[inline]
        fn scalar(&self, x: f64) -> f64 {
            x.exp()
        }
    }

    #[target_feature(enable = "avx2,fma")]
    fn pow_avx2(x: &[f64], y: f64, out: &mut [f64]) -> usize {
        let kernel = Pow {
            y,
            yv: _mm256_set1_pd(y),
            base_margin: _mm256_set1_pd(MARGIN_ULP + y.abs() * MARGIN_PER_Y),
        };
        blocks(&kernel, x, out)
    }

    #[target_feature(enable = "avx2,fma")]
    fn exp_avx2(x: &[f64], out: &mut [f64]) -> usize {
        blocks(&Exp, x, out)
    }

    /// `out[i] = f(x[i])` by `kernel`, the rejected lanes recomputed with its scalar reference
    /// after each block; returns how many lanes were.
    #[target_feature(enable = "avx2,fma")]
    fn blocks<K: Lanes>(kernel: &K, x: &[f64], out: &mut [f64]) -> usize {
        let n = x.len().min(out.len());
        let (x, out) = (&x[..n], &mut out[..n]);
        let mut fallbacks = 0;
        let mut redo = [0u16; BLOCK];
        for (xb, ob) in x.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
            let mut cnt = 0usize;
            let mut xc = xb.chunks_exact(8);
            let mut oc = ob.chunks_exact_mut(8);
            for (c, (xs, os)) in (&mut xc).zip(&mut oc).enumerate() {
                // SAFETY: xs has exactly 8 elements; loadu reads xs[0..4] and xs[4..8] and has
                // no alignment requirement.
                let (xa, xb) = unsafe {
                    (
                        _mm256_loadu_pd(xs.as_ptr()),
                        _mm256_loadu_pd(xs.as_ptr().add(4)),
                    )
                };
                // SAFETY: this function is compiled for avx2 and fma, so its caller ensured
                // the CPU has them.
                let ((ha, oka), (hb, okb)) = unsafe { (kernel.vector(xa), kernel.vector(xb)) };
                // SAFETY: os has exactly 8 elements; storeu writes os[0..4] and os[4..8] and
                // has no alignment requirement.
                unsafe {
                    _mm256_storeu_pd(os.as_mut_ptr(), ha);
                    _mm256_storeu_pd(os.as_mut_ptr().add(4), hb);
                }
                let bad = !(_mm256_movemask_pd(oka) | (_mm256_movemask_pd(okb) << 4));
                // Branch-free compaction of the rejected lanes; cnt <= 8c + l < BLOCK.
                for l in 0..8 {
                    redo[cnt] = (c * 8 + l) as u16;
                    cnt += usize::from((bad >> l) & 1 != 0);
                }
            }
            for (o, &xi) in oc.into_remainder().iter_mut().zip(xc.remainder()) {
                *o = kernel.scalar(xi);
                fallbacks += 1;
            }
            for &i in &redo[..cnt] {
                let i = usize::from(i);
                ob[i] = kernel.scalar(xb[i]);
            }
            fallbacks += cnt;
        }
        fallbacks
    }

    /// Fast2Sum: exact when `|a| >= |b|` (or `a == 0`).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn fast_two_sum(a: __m256d, b: __m256d) -> (__m256d, __m256d) {
        let s = _mm256_add_pd(a, b);
        (s, _mm256_sub_pd(b, _mm256_sub_pd(s, a)))
    }

    /// The four lane values of an index vector (each already masked to 0..128).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn lanes(idx: __m256i) -> [usize; 4] {
        let lo = _mm256_castsi256_si128(idx);
        let hi = _mm256_extracti128_si256::<1>(idx);
        [
            _mm_cvtsi128_si64(lo),
            _mm_extract_epi64::<1>(lo),
            _mm_cvtsi128_si64(hi),
            _mm_extract_epi64::<1>(hi),
        ]
        .map(|v| usize::try_from(v & 127).unwrap_or(0))
    }

    /// `(1/c, log c hi, log c lo)` for the four lanes' intervals.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn log_rows(idx: __m256i) -> (__m256d, __m256d, __m256d) {
        let [a, b, c, d] = lanes(idx);
        let t = &LOG_ROWS.0;
        let (ra, rb, rc, rd) = (&t[a], &t[b], &t[c], &t[d]);
        // SAFETY: each row is a [f64; 4] (32 readable bytes); loadu needs no alignment.
        let (ra, rb, rc, rd) = unsafe {
            (
                _mm256_loadu_pd(ra.as_ptr()),
                _mm256_loadu_pd(rb.as_ptr()),
                _mm256_loadu_pd(rc.as_ptr()),
                _mm256_loadu_pd(rd.as_ptr()),
            )
        };
        let ab0 = _mm256_unpacklo_pd(ra, rb); // a0 b0 a2 b2
        let ab1 = _mm256_unpackhi_pd(ra, rb); // a1 b1 a3 b3
        let cd0 = _mm256_unpacklo_pd(rc, rd);
        let cd1 = _mm256_unpackhi_pd(rc, rd);
        (
            _mm256_permute2f128_pd::<0x20>(ab0, cd0),
            _mm256_permute2f128_pd::<0x20>(ab1, cd1),
            _mm256_permute2f128_pd::<0x31>(ab0, cd0),
        )
    }

    /// `(2^(j/128) hi, lo/hi)` for the four lanes' `j`.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn exp_rows(idx: __m256i) -> (__m256d, __m256d) {
        let [a, b, c, d] = lanes(idx);
        let t = &EXP_ROWS.0;
        let (ra, rb, rc, rd) = (&t[a], &t[b], &t[c], &t[d]);
        // SAFETY: each row is a [f64; 2] (16 readable bytes); loadu needs no alignment.
        let (ra, rb, rc, rd) = unsafe {
            (
                _mm_loadu_pd(ra.as_ptr()),
                _mm_loadu_pd(rb.as_ptr()),
                _mm_loadu_pd(rc.as_ptr()),
                _mm_loadu_pd(rd.as_ptr()),
            )
        };
        let ac = _mm256_set_m128d(rc, ra); // a0 a1 c0 c1
        let bd = _mm256_set_m128d(rd, rb); // b0 b1 d0 d1
        (_mm256_unpacklo_pd(ac, bd), _mm256_unpackhi_pd(ac, bd))
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn splat_i(v: i64) -> __m256i {
        _mm256_set1_epi64x(v)
    }

    /// `(H, L, ok)`: `H` is glibc's `pow(x, y)` in every lane where `ok` is all ones; `H + L`
    /// approximates `x^y` (used by the tests to measure glibc's error).
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    #[allow(clippy::similar_names, clippy::too_many_lines)]
    fn pow4(xv: __m256d, yv: __m256d, base_margin: __m256d) -> (__m256d, __m256d, __m256d) {
        let one = _mm256_set1_pd(1.0);
        let ix = _mm256_castpd_si256(xv);
        // x positive, normal, finite.
        let ok_x = _mm256_and_si256(
            _mm256_cmpgt_epi64(ix, splat_i(0x000F_FFFF_FFFF_FFFF)),
            _mm256_cmpgt_epi64(splat_i(0x7FF0_0000_0000_0000), ix),
        );

        // ---- log x = k ln2 + log c + log1p(r) ----
        let tmp = _mm256_sub_epi64(ix, splat_i(OFF));
        let i = _mm256_and_si256(_mm256_srli_epi64::<45>(tmp), splat_i(127));
        // k = tmp >> 52 (arithmetic) as a double: flip the sign bit, shift, magic-number convert.
        let kb = _mm256_srli_epi64::<52>(_mm256_xor_si256(tmp, splat_i(i64::MIN)));
        let magic = _mm256_set1_pd(4_503_599_627_370_496.0 + 2048.0); // 2^52 + 2048
        let kd = _mm256_sub_pd(
            _mm256_castsi256_pd(_mm256_or_si256(kb, splat_i(0x4330_0000_0000_0000))),
            magic,
        );
        let z = _mm256_castsi256_pd(_mm256_sub_epi64(
            ix,
            _mm256_and_si256(tmp, splat_i(!0x000F_FFFF_FFFF_FFFF_i64)),
        ));
        let (invc, lchi, lclo) = log_rows(i);
        // r = z*invc - 1 = rhi + rlo exactly (z*invc in [1 - 2^-8, 1 + 2^-8]: Sterbenz).
        let pr = _mm256_mul_pd(z, invc);
        let rlo = _mm256_fmsub_pd(z, invc, pr);
        let rhi = _mm256_sub_pd(pr, one);

        let s = _mm256_mul_pd(kd, _mm256_set1_pd(LN2_HI)); // exact: 42-bit LN2_HI, |k| < 2^11
        let lk = _mm256_mul_pd(kd, _mm256_set1_pd(LN2_LO));
        // Fast2Sum preconditions (asserted by gen_tables.py): k != 0 gives |s| >= ln2 > |log c|
        // and |t1| > 0.34 > |r|; k == 0 gives s == 0, and |log c| >= |r| + 2^-16 off the centre
        // interval, where log c == 0.
        let (t1, e1) = fast_two_sum(s, lchi);
        let (t2, e2) = fast_two_sum(t1, rhi);
        let h2 = _mm256_mul_pd(rhi, _mm256_set1_pd(-0.5));
        let q = _mm256_mul_pd(h2, rhi);
        let qe = _mm256_fmsub_pd(h2, rhi, q);
        // |t2| >= |log c| - |r| >= 2^-16 >= |q|, or t2 == r (centre interval) with |q| < |r|.
        let (hi, e3) = fast_two_sum(t2, q);
        // r^3 (1/3 - r/4 + r^2/5 - ... - r^5/8); truncation r^9/9 < 2^-75
        let mut poly = _mm256_set1_pd(-1.0 / 8.0);
        for c in [1.0 / 7.0, -1.0 / 6.0, 1.0 / 5.0, -1.0 / 4.0, 1.0 / 3.0] {
            poly = _mm256_fmadd_pd(poly, rhi, _mm256_set1_pd(c));
        }
        let r2 = _mm256_mul_pd(rhi, rhi);
        let r3 = _mm256_mul_pd(r2, rhi);
        let p = _mm256_mul_pd(r3, poly);
        // log1p(rhi + rlo) - log1p(rhi) = rlo (1 - rhi + rhi^2) + O(rlo rhi^3)
        let corr = _mm256_mul_pd(rlo, _mm256_fmadd_pd(rhi, _mm256_sub_pd(rhi, one), one));
        let lo = _mm256_add_pd(
            _mm256_add_pd(_mm256_add_pd(e1, e2), _mm256_add_pd(e3, qe)),
            _mm256_add_pd(_mm256_add_pd(lk, lclo), _mm256_add_pd(corr, p)),
        );

        // ---- z = y log x as a normalised double-double ----
        let yh = _mm256_mul_pd(yv, hi);
        let ye = _mm256_fmsub_pd(yv, hi, yh);
        let yl = _mm256_fmadd_pd(yv, lo, ye);
        // |yl| <= |yh|: |lo| <= 2^-24 while |hi| >= 2^-17 unless k == 0 on the centre interval,
        // where lo is below 2^-7 |hi| (p ~ r^3/3, rounding errors of hi).
        let (zh, zl) = fast_two_sum(yh, yl);
        let zabs = _mm256_andnot_pd(_mm256_set1_pd(-0.0), zh);
        let ok_z = _mm256_cmp_pd::<_CMP_LT_OQ>(zabs, _mm256_set1_pd(Z_MAX));

        // ---- e^z, accepted iff |L| <= (0.5 - margin) ulp(H), H not a power of two ----
        let margin = _mm256_fmadd_pd(zabs, _mm256_set1_pd(MARGIN_PER_Z), base_margin);
        let (h, l, ok_e) = exp_stage::<false>(zh, zl, margin);
        let ok = _mm256_and_pd(_mm256_and_pd(ok_z, ok_e), _mm256_castsi256_pd(ok_x));
        (h, l, ok)
    }

    /// `(H, L, ok)` for `e^x`: `H` is glibc's `exp(x)` in every lane where `ok` is all ones.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn exp4(xv: __m256d) -> (__m256d, __m256d, __m256d) {
        let (h, l, ok) = exp_stage::<true>(xv, _mm256_setzero_pd(), _mm256_set1_pd(EXP_MARGIN_ULP));
        // x <= EXP_ZERO_AT (-inf included): glibc returns +0 (module docs).
        let zero = _mm256_cmp_pd::<_CMP_LE_OQ>(xv, _mm256_set1_pd(EXP_ZERO_AT));
        (_mm256_andnot_pd(zero, h), l, _mm256_or_pd(ok, zero))
    }

    /// The exp stage (module docs): `(H, L, ok)` with `H + L` approximating `e^(zh + zl)`
    /// within a relative `2^-67.6`, `H = RN(H + L)`; `ok` is all ones where `H` is not a power
    /// of two and `|L| <= (0.5 - margin) ulp(H)` (`margin` in ULP): then `H` is the only double
    /// within `0.5 + margin - e_ours` ULP of `e^(zh + zl)`. `WIDE` (exp): also where `zh` is in
    /// `[EXP_Z_MIN, EXP_Z_MAX]` (so `H` is a normal double), the power of two split so that
    /// every intermediate is normal; `L` is exact where `L` is normal (only the tests read
    /// it). Not `WIDE` (pow): the caller rejects `|zh| >= Z_MAX` itself.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    #[allow(clippy::similar_names)]
    fn exp_stage<const WIDE: bool>(
        zh: __m256d,
        zl: __m256d,
        margin: __m256d,
    ) -> (__m256d, __m256d, __m256d) {
        // WIDE: rejected lanes compute with zh clamped (NaN becomes EXP_Z_MAX), so nothing is
        // subnormal (slow) or out of range.
        let (zh, ok_z) = if WIDE {
            let clamped = _mm256_max_pd(
                _mm256_min_pd(zh, _mm256_set1_pd(EXP_Z_MAX)),
                _mm256_set1_pd(EXP_Z_MIN),
            );
            (clamped, _mm256_cmp_pd::<_CMP_EQ_OQ>(clamped, zh))
        } else {
            (zh, zh)
        };

        // ---- e^z = 2^(kd/128) e^(r2) ----
        let shift = _mm256_set1_pd(6_755_399_441_055_744.0); // 1.5 * 2^52
        let tk = _mm256_fmadd_pd(zh, _mm256_set1_pd(INV_LN2_128), shift);
        let kd2 = _mm256_sub_pd(tk, shift);
        let ki = _mm256_sub_epi64(_mm256_castpd_si256(tk), _mm256_castpd_si256(shift));
        let j = _mm256_and_si256(ki, splat_i(127));
        let (thi, trel) = exp_rows(j);
        // sc = 2^(j/128)_hi 2^e1, `scale` = 2^e2, e1 + e2 = floor(ki / 128); thi in [1, 2).
        let (sc, scale) = if WIDE {
            // kk = floor(ki / 128) + 1024, in [0, 2048) for |ki| < 2^17 (|zh| <= 709.75).
            // e1 = s1 - 512, s1 = kk >> 1 in [0, 1024); e2 = s2 - 512, s2 = kk - s1 in
            // [0, 1024]: both factors normal.
            let kk = _mm256_srli_epi64::<7>(_mm256_add_epi64(ki, splat_i(1024 << 7)));
            let s1 = _mm256_srli_epi64::<1>(kk);
            let s2 = _mm256_sub_epi64(kk, s1);
            let sc = _mm256_castsi256_pd(_mm256_add_epi64(
                _mm256_castpd_si256(thi),
                _mm256_slli_epi64::<52>(_mm256_sub_epi64(s1, splat_i(512))),
            ));
            let scale = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(_mm256_add_epi64(
                s2,
                splat_i(1023 - 512),
            )));
            (sc, scale)
        } else {
            // e1 = floor(ki / 128) (ki + 1023*128 > 0 for |z| < 600), e2 = 0.
            let eb = _mm256_srli_epi64::<7>(_mm256_add_epi64(ki, splat_i(1023 << 7)));
            let sc = _mm256_castsi256_pd(_mm256_sub_epi64(
                _mm256_add_epi64(_mm256_castpd_si256(thi), _mm256_slli_epi64::<52>(eb)),
                splat_i(1023 << 52),
            ));
            (sc, _mm256_set1_pd(1.0))
        };
        // r2 = z - kd ln2/128 = r2h + r2l. r2h = zh - kd*C_HI is exact: kd*C_HI is exact
        // (|kd| < 2^17, C_HI has 36 bits) and INV_LN2_128 * C_HI <= 1 makes kd != 0 imply
        // kd*C_HI/2 <= zh <= 2 kd*C_HI (Sterbenz). |r2h| <= 2^-8.5, |r2l| <= 2^-27.
        let a = _mm256_mul_pd(kd2, _mm256_set1_pd(LN2_128_HI));
        let r2h = _mm256_sub_pd(zh, a);
        let b = _mm256_mul_pd(kd2, _mm256_set1_pd(LN2_128_LO));
        let r2l = _mm256_sub_pd(zl, b);
        // F = e^r2h - 1 - r2h = r2h^2 (1/2 + r/6 + ... + r^4/720); truncation < 2^-71.7
        let mut ep = _mm256_set1_pd(1.0 / 720.0);
        for c in [1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5] {
            ep = _mm256_fmadd_pd(ep, r2h, _mm256_set1_pd(c));
        }
        let f = _mm256_mul_pd(_mm256_mul_pd(r2h, r2h), ep);
        // v = e^r2l - 1 = r2l + r2l^2/2 (+ r2l^3/6 < 2^-83)
        let v = _mm256_fmadd_pd(_mm256_mul_pd(r2l, _mm256_set1_pd(0.5)), r2l, r2l);
        // 1 + u = (1 + trel)(1 + r2h + F)(1 + v): u = r2h + G, G = F + m + m (r2h + F),
        // m = trel + v (trel * v < 2^-80 dropped)
        let m = _mm256_add_pd(trel, v);
        let g = _mm256_fmadd_pd(m, _mm256_add_pd(r2h, f), _mm256_add_pd(f, m));
        // sc (1 + r2h + G) = H' + L' (H' = H 2^-e2)
        let pp = _mm256_mul_pd(sc, r2h);
        let pe = _mm256_fmsub_pd(sc, r2h, pp);
        let qq = _mm256_mul_pd(sc, g);
        let (h0, e0) = fast_two_sum(sc, pp); // |pp| <= |sc| 2^-8.4
        let l0 = _mm256_add_pd(e0, _mm256_add_pd(pe, qq));
        let h = _mm256_add_pd(h0, l0);
        let l = _mm256_sub_pd(l0, _mm256_sub_pd(h, h0)); // fast two-sum, |h0| >> |l0|

        // ---- accept iff |L'| <= (0.5 - margin) ulp(H') and H' is not a power of two ----
        let hb = _mm256_castpd_si256(h);
        let hexp = _mm256_castsi256_pd(_mm256_and_si256(hb, splat_i(0x7FF0_0000_0000_0000)));
        let ulp_unit = 2.220_446_049_250_313e-16; // 2^-52
        let w = _mm256_fnmadd_pd(
            margin,
            _mm256_set1_pd(ulp_unit),
            _mm256_set1_pd(0.5 * ulp_unit),
        );
        let thr = _mm256_mul_pd(hexp, w);
        let sign = _mm256_set1_pd(-0.0);
        let ok_l = _mm256_cmp_pd::<_CMP_LE_OQ>(_mm256_andnot_pd(sign, l), thr);
        let mant_zero = _mm256_cmpeq_epi64(
            _mm256_and_si256(hb, splat_i(0x000F_FFFF_FFFF_FFFF)),
            _mm256_setzero_si256(),
        );
        let ok = _mm256_andnot_pd(_mm256_castsi256_pd(mant_zero), ok_l);
        if WIDE {
            // H = H' 2^e2: exact, H is normal (zh in [EXP_Z_MIN, EXP_Z_MAX]).
            let ok = _mm256_and_pd(ok, ok_z);
            (_mm256_mul_pd(h, scale), _mm256_mul_pd(l, scale), ok)
        } else {
            (h, l, ok)
        }
    }
}

#[cfg(test)]
mod tests;
