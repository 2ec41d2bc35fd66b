//! Declare, skip_init, save and load a Llama-shaped model with a progress bar:
//! `cargo run --release --example load [-- DIR]`.
//!
//! Without `DIR` the files go to a fresh temporary folder that is removed on exit, so repeated
//! runs do not leave 1 GB behind.
//!
//! The model is Llama-125M's shapes (500 MB of f32). It is written once as one file and as a
//! sharded checkpoint, then loaded back strictly into fresh `skip_init!` models — copying on
//! the CPU, as zero-copy views, and onto `Cuda(0)` when this machine has a GPU — after a dry
//! run on meta.

#[path = "models/llama.rs"]
mod llama;

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use llama::{Llama, LlamaConfig};
use modules::prelude::*;

fn bar(message: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:<28} [{bar:40}] {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.set_message(message.to_string());
    bar
}

fn load_into(device: Device, path: &std::path::Path, zero_copy: bool, label: &str) -> Result<(), Error> {
    let mut m = skip_init!(Llama, LlamaConfig::llama_125m(), device = device)?;
    let bar = bar(label);
    let t = Instant::now();
    let options = LoadOptions::strict()
        .zero_copy(zero_copy)
        .progress(|done, total| {
            bar.set_length(total);
            bar.set_position(done);
        });
    let report = m.load_safetensors(path, options)?;
    bar.finish();
    println!(
        "  {report}: {} tensors, {:.0} MB in {:.0} ms; never written: {:?}",
        report.tensors,
        report.bytes as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1e3,
        m.uninitialized()
    );
    Ok(())
}

fn main() -> Result<(), Error> {
    let scratch;
    let dir = match std::env::args().nth(1) {
        Some(dir) => {
            let dir = std::path::PathBuf::from(dir);
            std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
                path: dir.clone(),
                source,
            })?;
            dir
        }
        None => {
            // Dropped at the end of main, on success and on error alike.
            scratch = tempfile::Builder::new()
                .prefix("modules-load-example")
                .tempdir()
                .map_err(|source| Error::Io {
                    path: std::env::temp_dir(),
                    source,
                })?;
            scratch.path().to_path_buf()
        }
    };
    let single = dir.join("model.safetensors");
    let sharded = dir.join("sharded");

    modules::manual_seed(0);
    let t = Instant::now();
    let original = modules::new!(Llama, LlamaConfig::llama_125m())?;
    println!(
        "built and initialized Llama-125M in {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let spinner = ProgressBar::new_spinner().with_message("saving");
    spinner.enable_steady_tick(std::time::Duration::from_millis(80));
    original.save_safetensors(&single)?;
    let files = original.save_safetensors_sharded(&sharded, 200_000_000)?;
    spinner.finish_with_message(format!(
        "saved {} and {} files under {}",
        single.display(),
        files.len(),
        sharded.display()
    ));

    let meta = skip_init!(Llama, LlamaConfig::llama_125m(), device = Meta)?;
    let t = Instant::now();
    let plan = meta.check_safetensors(&single, LoadOptions::strict())?;
    println!(
        "dry run on meta: {plan}, {} tensors, {:.0} µs",
        plan.tensors,
        t.elapsed().as_secs_f64() * 1e6
    );

    load_into(Cpu, &single, false, "cpu, copy")?;
    load_into(Cpu, &files[files.len() - 1], false, "cpu, copy, sharded")?;
    load_into(Meta, &single, true, "meta → cpu, zero-copy")?;
    match load_into(Cuda(0), &single, false, "cuda:0") {
        Ok(()) => {}
        Err(e) => println!("cuda:0: skipped ({e})"),
    }
    Ok(())
}
