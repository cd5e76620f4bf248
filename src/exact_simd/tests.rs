//! Bit-identity of `pow_exact` with the scalar `powf`, and of `exp_exact` with `exp`.

use super::{
    exp_exact, exp_is_vectorised, pow_exact, pow_is_vectorised, probe_exp_xs, probe_xs, PROBE_YS,
};

/// xorshift64*, deterministic.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in (0, 1].
    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }
    /// Log-uniform in [2^-lo_exp, 1).
    fn log_unit(&mut self, lo_exp: f64) -> f64 {
        (-lo_exp * self.unit() * std::f64::consts::LN_2).exp()
    }
}

/// Runs the vector kernel directly (not through the gate) where it can, else `pow_exact`.
/// Returns the number of fallback lanes (0 when the kernel is not available).
fn run(x: &[f64], y: f64, out: &mut [f64]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        let usable = y.is_finite() && y != 0.0 && y.abs() <= 1.152_921_504_606_847e18;
        if usable && is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            return super::avx2::pow_exact_counting(x, y, out);
        }
    }
    pow_exact(x, y, out);
    0
}

/// The batches of 2^20 inputs of the big tests: 100 (1.05e8 inputs), or `EXACT_SIMD_BATCHES`
/// (1000 for 1.05e9).
fn big_batches() -> u32 {
    std::env::var("EXACT_SIMD_BATCHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

/// The public function (`fill` writes its output) gives the kernel's `out`, bit for bit.
fn assert_public_entry_agrees(out: &[f64], fill: impl FnOnce(&mut [f64])) {
    let mut public = vec![0.0; out.len()];
    fill(&mut public);
    assert!(public
        .iter()
        .zip(out)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
}

/// Panics on the first lane differing from `powf`; returns fallback count.
fn check(x: &[f64], y: f64, out: &mut [f64]) -> usize {
    let fb = run(x, y, out);
    for (&xi, &o) in x.iter().zip(out.iter()) {
        let want = xi.powf(y);
        assert!(
            want.to_bits() == o.to_bits(),
            "pow({xi:e} [{:#018x}], {y:e} [{:#018x}]) = {want:e} [{:#018x}], got {o:e} [{:#018x}]",
            xi.to_bits(),
            y.to_bits(),
            want.to_bits(),
            o.to_bits()
        );
    }
    // Also the public entry point.
    assert_public_entry_agrees(out, |public| pow_exact(x, y, public));
    fb
}

fn special_xs() -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7FF0_0000_0000_0001),
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        -2.0,
        -3.0,
        f64::MIN_POSITIVE,
        f64::MIN_POSITIVE * (1.0 - f64::EPSILON),
        5e-324,
        -5e-324,
        f64::MAX,
        -f64::MAX,
        1.0 - f64::EPSILON / 2.0,
        1.0 + f64::EPSILON,
    ];
    v.extend(probe_xs());
    v
}

fn special_ys() -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        3.0,
        -3.0,
        1e-300,
        5e-324,
        1e300,
        -1e300,
        f64::MAX,
        1.152_921_504_606_847e18,
        2.305_843_009_213_694e18,
        9_007_199_254_740_993.0,
        0.9,
        1.0 / 3.0,
        4.0,
        10.0,
        1023.0,
        1074.0,
        -1074.0,
        1e5,
        1e9,
    ];
    v.extend_from_slice(&PROBE_YS);
    v
}

#[test]
fn exact_simd_gate_passes_here() {
    #[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        assert!(super::glibc_is_modern());
        assert!(pow_is_vectorised());
        assert!(exp_is_vectorised());
    }
    let _ = pow_is_vectorised();
    let _ = exp_is_vectorised();
    assert_eq!(super::parse_version("2.36"), Some((2, 36)));
    assert_eq!(super::parse_version("2.28.9"), Some((2, 28)));
    assert_eq!(super::parse_version("x"), None);
}

#[test]
fn exact_simd_specials_and_random() {
    let xs = special_xs();
    let mut out = vec![0.0; xs.len()];
    for y in special_ys() {
        check(&xs, y, &mut out);
    }
    // 200k random: uniform, log-uniform, schedule-like, with random and typical y.
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    let n = 10_000;
    let mut x = vec![0.0; n];
    let mut out = vec![0.0; n];
    for round in 0..20 {
        for xi in &mut x {
            *xi = match round % 4 {
                0 => rng.unit(),
                1 => rng.log_unit(1000.0),
                2 => 1.0 - (rng.next() % 1_000_000) as f64 / 1e6,
                _ => 1.0 - (rng.next() % 4096) as f64 * f64::EPSILON / 2.0,
            };
        }
        let y = match round % 5 {
            0 => 0.9,
            1 => 0.5 + 9.5 * rng.unit(),
            2 => f64::from((rng.next() % 10) as u32 + 1),
            3 => -5.0 + 10.0 * rng.unit(),
            _ => rng.log_unit(40.0) * 1e6,
        };
        check(&x, y, &mut out);
    }
    // Length handling: lengths not a multiple of 4, empty.
    for len in 0..9 {
        let mut o = vec![0.0; len];
        check(&x[..len], 0.9, &mut o);
    }
}

/// > 10^8 inputs; run with `cargo test --release exact_simd -- --ignored --nocapture`.
#[test]
#[ignore = "slow: 10^8 inputs, run in release"]
fn exact_simd_big() {
    let start = std::time::Instant::now();
    let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
    let n = 1 << 20;
    let mut x = vec![0.0; n];
    let mut out = vec![0.0; n];
    let (mut total, mut fallbacks) = (0usize, 0usize);
    let mut hot = (0usize, 0usize);
    let batches = big_batches();
    for batch in 0..batches {
        let kind = batch % 10;
        for (i, xi) in x.iter_mut().enumerate() {
            *xi = match kind {
                0 | 1 => rng.unit(),
                2 => rng.log_unit(1074.0),
                3 => 1.0 - (rng.next() % (1 << 20)) as f64 * f64::EPSILON / 2.0,
                4 => 1.0 + (rng.next() % (1 << 20)) as f64 * f64::EPSILON,
                5 => {
                    let d = 1 + rng.next() % 1_000_000;
                    let t = rng.next() % (d + 1);
                    1.0 - t as f64 / d as f64
                }
                6 => 1.0 - (i as f64) / n as f64,
                7 => f64::from_bits(1 + rng.next() % 0x000F_FFFF_FFFF_FFFF), // subnormal
                8 => 2f64.powi((rng.next() % 2098) as i32 - 1074),
                _ => f64::from_bits(rng.next()), // any bits: negatives, NaN, huge
            };
        }
        let y = match batch % 7 {
            0 => 0.9,
            1 => 0.5 + 9.5 * rng.unit(),
            2 => f64::from((rng.next() % 12) as u32 + 1),
            3 => -10.0 + 20.0 * rng.unit(),
            4 => rng.log_unit(200.0) * if batch % 2 == 0 { 1e30 } else { 1.0 },
            5 => rng.log_unit(60.0),
            _ => 2.0,
        };
        let fb = check(&x, y, &mut out);
        total += n;
        fallbacks += fb;
        if kind <= 6 && y > 0.0 && y <= 10.0 {
            hot.0 += n;
            hot.1 += fb;
        }
    }
    // Exhaustive special values x special y (small).
    let xs = special_xs();
    let mut o = vec![0.0; xs.len()];
    for y in special_ys() {
        total += xs.len();
        fallbacks += check(&xs, y, &mut o);
    }
    println!(
        "exact_simd_big: {total} inputs bit-identical in {:.1?}; fallback {:.3}% overall, \
         {:.3}% on x in (0,1]-like batches with 0 < y <= 10",
        start.elapsed(),
        100.0 * fallbacks as f64 / total as f64,
        100.0 * hot.1 as f64 / hot.0 as f64
    );
}

/// ns/element, single thread: `cargo test --release exact_simd_bench -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark, run in release"]
fn exact_simd_bench() {
    let n = 1_000_000;
    let x: Vec<f64> = (0..n).map(|t| 1.0 - f64::from(t) / 1e6).collect();
    let mut out = vec![0.0; x.len()];
    let y = std::hint::black_box(0.9);
    let reps = 30;
    // Minimum over repetitions: the machine is shared, the minimum is the least disturbed run.
    let time = |f: &mut dyn FnMut()| {
        f();
        let mut best = f64::INFINITY;
        for _ in 0..reps {
            let s = std::time::Instant::now();
            f();
            best = best.min(s.elapsed().as_secs_f64());
        }
        best * 1e9 / f64::from(n)
    };
    let vector = time(&mut || {
        pow_exact(std::hint::black_box(&x), y, &mut out);
        std::hint::black_box(&out);
    });
    let kernel = time(&mut || {
        run(std::hint::black_box(&x), y, &mut out);
        std::hint::black_box(&out);
    });
    let scalar = time(&mut || {
        for (o, &xi) in out.iter_mut().zip(std::hint::black_box(&x)) {
            *o = xi.powf(y);
        }
        std::hint::black_box(&out);
    });
    let fb = run(&x, y, &mut out);
    println!(
        "exact_simd_bench: pow_exact {vector:.2} ns/elem (kernel {kernel:.2}), scalar powf {scalar:.2} ns/elem, \
         speed-up {:.2}x, fallback {:.2}%, vectorised={}",
        scalar / vector,
        100.0 * fb as f64 / f64::from(n),
        pow_is_vectorised()
    );
}

/// Empirical check of the glibc bound the kernel relies on: over ~4*10^7 inputs of the hot
/// domain, `|pow(x, y) - (H + L)|` in ULP of `H` (`H + L` is within 2^-12 ULP of `x^y`).
/// Run: `cargo test --release exact_simd_glibc_error -- --ignored --nocapture`.
#[cfg(target_arch = "x86_64")]
#[test]
#[ignore = "slow, run in release"]
fn exact_simd_glibc_error() {
    if !(is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")) {
        return;
    }
    let mut rng = Rng(0x5EED_0000_0000_0001);
    let (mut worst, mut worst_in) = (0.0f64, (0.0, 0.0));
    let (mut n, mut above) = (0u64, 0u64);
    for round in 0..10_000_000u64 {
        let y = match round % 4 {
            0 => 0.9,
            1 => 0.5 + 9.5 * rng.unit(),
            2 => 2.0 * rng.unit(),
            _ => 1.0 + (rng.next() % 10) as f64 + rng.unit(),
        };
        let x = [0, 1, 2, 3].map(|k| {
            if (round + k) % 2 == 0 {
                rng.unit()
            } else {
                1.0 - (rng.next() % 1_000_000) as f64 / 1e6
            }
        });
        let (h, l, _) = super::avx2::parts(x, y);
        for k in 0..4 {
            let (hk, lk) = (h[k], l[k]);
            let z = y * x[k].ln();
            // Inside the kernel's domain, H not a power of two (ulp(H) is then well defined).
            if !(x[k] > 0.0 && z.abs() < 600.0 && hk.to_bits() & 0x000F_FFFF_FFFF_FFFF != 0) {
                continue;
            }
            let g = x[k].powf(y);
            let ulp = f64::from_bits(hk.to_bits() & 0x7FF0_0000_0000_0000) * f64::EPSILON;
            let err = ((g - hk) - lk).abs() / ulp;
            n += 1;
            if err > 0.5 {
                above += 1;
            }
            if err > worst {
                worst = err;
                worst_in = (x[k], y);
            }
        }
    }
    println!(
        "exact_simd_glibc_error: {n} lanes, max |pow - exact| = {worst:.6} ULP at pow({:e}, {:e}); \
         {above} lanes above 0.5 ULP (not correctly rounded)",
        worst_in.0, worst_in.1
    );
    // The kernel assumes glibc's error is below 0.5 + 0.02 + |z| 2^-13 ULP here (|z| < 15).
    assert!(worst < 0.52);
}

// ---- exp ----

/// Runs the exp kernel directly (not through the gate) where it can, else `exp_exact`.
/// Returns the number of fallback lanes (0 when the kernel is not available).
fn run_exp(x: &[f64], out: &mut [f64]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            return super::avx2::exp_exact_counting(x, out);
        }
    }
    exp_exact(x, out);
    0
}

/// Panics on the first lane differing from `exp`; returns the fallback count.
fn check_exp(x: &[f64], out: &mut [f64]) -> usize {
    let fb = run_exp(x, out);
    for (&xi, &o) in x.iter().zip(out.iter()) {
        let want = xi.exp();
        assert!(
            want.to_bits() == o.to_bits(),
            "exp({xi:e} [{:#018x}]) = {want:e} [{:#018x}], got {o:e} [{:#018x}]",
            xi.to_bits(),
            want.to_bits(),
            o.to_bits()
        );
    }
    // Also the public entry point.
    assert_public_entry_agrees(out, |public| exp_exact(x, public));
    fb
}

/// The schedule rates of the tests (`-gamma * e`).
const GAMMAS: [f64; 6] = [1e-6, 1e-3, 0.01, 0.1, 0.5, 0.9];

/// Thresholds of `exp`: overflow, last normal result, the split limit, underflow to 0.
const EXP_EDGES: [f64; 6] = [
    709.782_712_893_384,
    709.75,
    -708.396_418_532_264_1,
    -745.133_219_101_941_1,
    -746.0,
    -1024.0,
];

/// One exp input of kind `kind` (0..10); `i` is the index in its batch.
fn exp_input(rng: &mut Rng, kind: u32, i: usize, batch: u32, n: usize) -> f64 {
    let sign = |rng: &mut Rng, v: f64| if rng.next() & 1 == 0 { v } else { -v };
    match kind {
        0 | 1 => -745.0 + 1455.0 * rng.unit(),
        // -gamma * e, random e <= 10^7.
        2 | 3 => {
            let g = GAMMAS[(rng.next() % 6) as usize];
            -g * (rng.next() % 10_000_001) as f64
        }
        // -gamma * e, consecutive e from (batch / 10) * n.
        4 => {
            let g = GAMMAS[(batch / 10 % 6) as usize];
            -g * (i + (batch / 10) as usize * n) as f64
        }
        // Tiny magnitudes and subnormals: any bit pattern below 2^-20.
        5 => {
            let v = f64::from_bits(rng.next() % 0x3EB0_0000_0000_0000);
            sign(rng, v)
        }
        // Exact integers, and wide range beyond the underflow threshold.
        6 => {
            if rng.next() & 1 == 0 {
                (rng.next() % 1457) as f64 - 746.0
            } else {
                -745.0 - 400.0 * rng.unit()
            }
        }
        // Near the thresholds, within 2^24 ULP.
        7 => {
            let t = EXP_EDGES[(rng.next() % 6) as usize];
            let d = rng.next() % (1 << 24);
            if rng.next() & 1 == 0 {
                f64::from_bits(t.to_bits() + d)
            } else {
                f64::from_bits(t.to_bits() - d)
            }
        }
        // k ln2 (results near powers of two), within 64 ULP.
        8 => {
            let v = ((rng.next() % 2100) as f64 - 1075.0) * std::f64::consts::LN_2;
            f64::from_bits(v.to_bits().wrapping_add(rng.next() % 128).wrapping_sub(64))
        }
        // Any bits: huge, tiny, NaN, infinities.
        _ => f64::from_bits(rng.next()),
    }
}

fn special_exp_xs() -> Vec<f64> {
    let mut v = special_xs();
    v.extend(probe_exp_xs());
    v.extend_from_slice(&[
        -f64::NAN,
        f64::from_bits(0xFFF0_0000_0000_0001),
        f64::EPSILON,
        -f64::EPSILON,
        f64::EPSILON / 2.0,
        -f64::EPSILON / 2.0,
        f64::EPSILON / 4.0,
        -f64::EPSILON / 4.0,
        1e-300,
        -1e-300,
    ]);
    for t in EXP_EDGES {
        for d in 0..64 {
            v.push(f64::from_bits(t.to_bits() + d));
            v.push(f64::from_bits(t.to_bits() - d));
        }
    }
    v
}

#[test]
fn exact_simd_exp_specials_and_random() {
    let xs = special_exp_xs();
    let mut out = vec![0.0; xs.len()];
    check_exp(&xs, &mut out);
    // 250k random, every kind.
    let mut rng = Rng(0x0BAD_5EED_1234_5678);
    let n = 10_000;
    let mut x = vec![0.0; n];
    let mut out = vec![0.0; n];
    for batch in 0..25 {
        for (i, xi) in x.iter_mut().enumerate() {
            *xi = exp_input(&mut rng, batch % 10, i, batch, n);
        }
        check_exp(&x, &mut out);
    }
    // Length handling: lengths not a multiple of 4 or 8, empty.
    for len in 0..17 {
        let mut o = vec![0.0; len];
        check_exp(&x[..len], &mut o);
    }
}

/// More than 10^8 inputs; run with `cargo test --release exact_simd_big -- --ignored
/// --nocapture`. Also measures glibc's exp error against `H + L` where the result is normal.
#[test]
#[ignore = "slow: 10^8 inputs, run in release"]
fn exact_simd_big_exp() {
    let start = std::time::Instant::now();
    let mut rng = Rng(0xFEED_FACE_0DDB_A115);
    let n = 1 << 20;
    let mut x = vec![0.0; n];
    let mut out = vec![0.0; n];
    let (mut total, mut fallbacks) = (0usize, 0usize);
    let batches = big_batches();
    #[cfg(target_arch = "x86_64")]
    let measure = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma");
    let (mut worst, mut worst_at, mut measured) = (0.0f64, 0.0f64, 0usize);
    for batch in 0..batches {
        let kind = batch % 10;
        for (i, xi) in x.iter_mut().enumerate() {
            *xi = exp_input(&mut rng, kind, i, batch, n);
        }
        total += n;
        fallbacks += check_exp(&x, &mut out);
        #[cfg(target_arch = "x86_64")]
        if measure && kind <= 4 {
            for q in x[..1 << 18].chunks_exact(4) {
                let q = [q[0], q[1], q[2], q[3]];
                let (h, l, _) = super::avx2::exp_parts(q);
                for k in 0..4 {
                    let hb = h[k].to_bits();
                    // Normal result, not a power of two (ulp(H) is then well defined).
                    if !(q[k].abs() <= 700.0 && hb & 0x000F_FFFF_FFFF_FFFF != 0) {
                        continue;
                    }
                    let ulp = f64::from_bits(hb & 0x7FF0_0000_0000_0000) * f64::EPSILON;
                    let err = ((q[k].exp() - h[k]) - l[k]).abs() / ulp;
                    measured += 1;
                    if err > worst {
                        worst = err;
                        worst_at = q[k];
                    }
                }
            }
        }
    }
    let xs = special_exp_xs();
    let mut o = vec![0.0; xs.len()];
    total += xs.len();
    fallbacks += check_exp(&xs, &mut o);
    println!(
        "exact_simd_big_exp: {total} inputs bit-identical in {:.1?}; fallback {:.3}%; \
         glibc exp error over {measured} lanes: max {worst:.6} ULP at exp({worst_at:e})",
        start.elapsed(),
        100.0 * fallbacks as f64 / total as f64,
    );
    // The kernel assumes glibc's error is below 0.5 + 0.02 ULP.
    assert!(worst < 0.52);
}

/// ns/element, single thread: `cargo test --release exact_simd_bench -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark, run in release"]
fn exact_simd_bench_exp() {
    let n = 1_000_000;
    let x: Vec<f64> = (0..n).map(|e| -0.1 * f64::from(e)).collect();
    let normal = 7084; // -0.1 e > -708.39 (normal results) for e < 7084
    let mut out = vec![0.0; x.len()];
    let reps = 30;
    // Minimum over repetitions: the machine is shared, the minimum is the least disturbed run.
    let time = |x: &[f64], out: &mut [f64], f: &dyn Fn(&[f64], &mut [f64])| {
        f(x, out);
        let mut best = f64::INFINITY;
        for _ in 0..reps {
            let s = std::time::Instant::now();
            f(std::hint::black_box(x), out);
            std::hint::black_box(&*out);
            best = best.min(s.elapsed().as_secs_f64());
        }
        best * 1e9 / x.len() as f64
    };
    let scalar = |x: &[f64], out: &mut [f64]| {
        for (o, &xi) in out.iter_mut().zip(x) {
            *o = xi.exp();
        }
    };
    let public = |x: &[f64], out: &mut [f64]| exp_exact(x, out);
    let mut report = Vec::new();
    for (name, xs) in [("e < 10^6", &x[..]), ("e < 7084", &x[..normal])] {
        let o = &mut out[..xs.len()];
        let vector = time(xs, o, &public);
        let scal = time(xs, o, &scalar);
        let fb = run_exp(xs, o);
        report.push(format!(
            "\n  x = -0.1 e, {name}: exp_exact {vector:.2} ns/elem, scalar exp {scal:.2} ns/elem, \
             speed-up {:.2}x, fallback {:.3}%",
            scal / vector,
            100.0 * fb as f64 / xs.len() as f64
        ));
    }
    println!(
        "exact_simd_bench_exp (vectorised={}):{}",
        exp_is_vectorised(),
        report.concat()
    );
}
