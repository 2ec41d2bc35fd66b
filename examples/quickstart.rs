//! The README's main command: `cargo run --example quickstart`.
//!
//! Shows `skip_init!` — build a module whose parameters are allocated but not initialized —
//! on every device this machine has, next to a normally initialized module, and prints the
//! parameters in PyTorch's format.

use std::time::Instant;

use modules::prelude::*;

#[path = "models/llama.rs"]
mod llama;

fn main() -> Result<(), Error> {
    modules::manual_seed(0);

    // Like `torch.nn.Linear(5, 1)`: allocated and initialized.
    let initialized = Linear::new(5, 1, Cpu)?;
    println!("Linear::new(5, 1, Cpu)  — initialized like PyTorch:");
    println!(
        "{initialized}\n{}\n{}\n",
        initialized.weight,
        initialized.bias.as_ref().expect("bias")
    );

    // `torch.nn.utils.skip_init(nn.Linear, 5, 1)`: allocated on the CPU, not initialized.
    let skipped = skip_init!(Linear, 5, 1)?;
    println!("skip_init!(Linear, 5, 1)  — allocated, not initialized (fresh zero pages):");
    println!("{}\n", skipped.weight);

    // Keywords, as in Python.
    let keywords = skip_init!(Linear, in_features = 5, out_features = 1)?;
    println!("skip_init!(Linear, in_features = 5, out_features = 1):");
    println!("{keywords}\n{}\n", keywords.weight);

    // On the GPU: real device memory through cudarc, never initialized.
    match skip_init!(Linear, 5, 1, device = Cuda(0)) {
        Ok(gpu) => println!("skip_init!(Linear, 5, 1, device = Cuda(0)):\n{}\n", gpu.weight),
        Err(e) => println!("skip_init!(Linear, 5, 1, device = Cuda(0)): no GPU here ({e})\n"),
    }

    // On meta: shapes only, no memory at all.
    let meta = skip_init!(Linear, 5, 1, device = Meta)?;
    println!("skip_init!(Linear, 5, 1, device = Meta):\n{}\n", meta.weight);

    // What it is for: a whole model, ready to be overwritten from a checkpoint.
    let cfg = llama::LlamaConfig::tinyllama_1_1b();
    let t = Instant::now();
    let model = skip_init!(llama::Llama, cfg.clone())?;
    let skip = t.elapsed();
    let t = Instant::now();
    let planned = skip_init!(
        llama::Llama,
        llama::LlamaConfig::llama_70b(),
        device = Meta,
        dtype = BF16
    )?;
    let meta_time = t.elapsed();
    println!(
        "TinyLlama-1.1B: {} parameters ({:.1} GB f32) allocated on the CPU by skip_init! in {:.2?}",
        model.num_parameters(),
        model.num_parameters() as f64 * 4.0 / 1e9,
        skip
    );
    println!(
        "Llama-70B shapes on meta: {} parameters planned in {:.2?}, no memory used",
        planned.num_parameters(),
        meta_time
    );
    if let Ok(gpu) = skip_init!(llama::Llama, cfg, device = Cuda(0), dtype = BF16) {
        println!(
            "TinyLlama-1.1B bf16 on cuda:0: {} tensors in GPU memory, uninitialized",
            gpu.state_dict().len()
        );
    }
    Ok(())
}
