//! Throughput of the random inits over 1 GiB of resident f32, next to a plain fill (the machine's
//! write bandwidth). `cargo bench --bench init`; `benches/init_torch.py` prints the same table for
//! PyTorch. Each row: the median of 5 runs, in GB/s of tensor written.

use std::time::Instant;

use modules_core::init::{self, FanMode, Nonlinearity};
use modules_core::rng::Generator;
use modules_core::{Device, Result, Tensor};

const BYTES: usize = 1 << 30;
const RUNS: usize = 5;

fn median_gbps(t: &mut Tensor, f: &mut dyn FnMut(&mut Tensor) -> Result<()>) -> Result<f64> {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        f(t)?;
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok(BYTES as f64 / times[RUNS / 2] / 1e9)
}

/// One measured operation.
type Op<'a> = dyn FnMut(&mut Tensor) -> Result<()> + 'a;

fn main() -> Result<()> {
    // A [16384, 16384] weight (what a Linear(16384, 16384) holds): 1 GiB.
    let mut t = Tensor::empty([16384, BYTES / 4 / 16384], Device::Cpu)?;
    t.fill(1.0)?; // resident before timing: page faults are not part of the init
    let mut g = Generator::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("modules, {threads} threads");
    println!("{:<36} {:>8}", "1 GiB f32, median of 5", "GB/s");
    let rows: Vec<(&str, Box<Op<'_>>)> = vec![
        ("fill(0.5) (bandwidth reference)", Box::new(|t| t.fill(0.5))),
        (
            "slice fill(0.5), 1 thread",
            Box::new(|t| {
                t.as_mut_slice::<f32>()?.fill(0.5);
                Ok(())
            }),
        ),
        (
            "uniform_(-0.1, 0.1)",
            Box::new(|t| init::uniform_(t, -0.1, 0.1, Some(&mut g))),
        ),
        (
            "kaiming_uniform_(a=√5, fan_in)",
            Box::new(|t| {
                init::kaiming_uniform_(t, 5f64.sqrt(), FanMode::FanIn, Nonlinearity::LeakyRelu, None)
            }),
        ),
        ("normal_(0, 1)", Box::new(|t| init::normal_(t, 0.0, 1.0, None))),
        (
            "trunc_normal_(0, 1, -2, 2)",
            Box::new(|t| init::trunc_normal_(t, 0.0, 1.0, -2.0, 2.0, None)),
        ),
    ];
    for (name, mut f) in rows {
        let gbps = median_gbps(&mut t, &mut *f)?;
        println!("{name:<36} {gbps:>8.2}");
    }
    Ok(())
}
