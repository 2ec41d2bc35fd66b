//! One process per rank, launched the torchrun way (`RANK`, `WORLD_SIZE`, `LOCAL_RANK`,
//! `LOCAL_WORLD_SIZE`, `MASTER_ADDR`, `MASTER_PORT`), for world sizes 1, 2 and 3 (uneven
//! splits): each rank shards a Llama-shaped model on meta, allocates and loads only its part
//! of the checkpoint — the kernel's count of bytes read says it read only those — checks it
//! against the whole, and writes it out. The parent then loads
//! the rank files back whole and compares them with the original, byte for byte. Last, ranks
//! of one layout load the rank files another layout saved (FSDP world 3 as tensor-parallel
//! world 2, and back), reading only their own bytes from whichever files hold them.
//!
//! Each rank also takes part in the rendezvous at `MASTER_ADDR:MASTER_PORT` that carries the
//! NCCL id on GPUs, here with a token.
//!
//! The binary is its own rank process: with `RANK` set it runs one rank and exits.

mod common;
#[path = "../examples/models/llama.rs"]
mod llama;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{read_chars, tensor_bytes};
use llama::{tensor_parallel_plan, Llama, LlamaConfig};
use modules::prelude::*;
use modules::shard::{broadcast_bytes, Rank, ShardPlan};

fn plan(name: &str) -> ShardPlan {
    match name {
        "fsdp" => ShardPlan::fsdp(),
        _ => tensor_parallel_plan(),
    }
}

/// One rank: everything it checks is an exit code the parent reads.
fn run_rank(checkpoint: &Path, out: &Path, plan_name: &str) -> Result<(), String> {
    let rank = Rank::from_env().map_err(|e| e.to_string())?;
    // The rendezvous that carries the NCCL id, with a token instead (no GPU needed).
    let token = format!("token of {plan_name} at world {}", rank.world_size);
    let got = broadcast_bytes(
        &rank,
        (rank.rank == 0).then_some(token.as_bytes()),
        std::time::Duration::from_secs(30),
    )
    .map_err(|e| e.to_string())?;
    if got != token.as_bytes() {
        return Err(format!(
            "rank {}: rendezvous gave {:?}",
            rank.rank,
            String::from_utf8_lossy(&got)
        ));
    }
    let mut m = skip_init!(Llama, LlamaConfig::tiny(), device = Meta).map_err(|e| e.to_string())?;
    m.shard(&plan(plan_name), &rank).map_err(|e| e.to_string())?;
    m.to_empty(Cpu).map_err(|e| e.to_string())?;
    let before = read_chars();
    let report = m
        .load_safetensors(checkpoint, LoadOptions::strict())
        .map_err(|e| e.to_string())?;
    let read = read_chars() - before;
    // An index (resharding from rank files) is read with read(2); the tensors come from maps.
    let index_len = match checkpoint.extension() {
        Some(e) if e == "json" => std::fs::metadata(checkpoint).map_or(0, |m| m.len()),
        _ => 0,
    };
    let local: u64 = m
        .state_dict()
        .iter()
        .map(|(_, t)| t.tensor().size_in_bytes() as u64)
        .sum();
    if report.bytes != local || !report.is_complete() {
        return Err(format!(
            "rank {}: {report}, {} bytes written for {local} local",
            rank.rank, report.bytes
        ));
    }
    // What the kernel says this process read during the load: its own bytes, and no more
    // than a little beside them (the read of /proc itself; headers come through the map).
    if cfg!(target_os = "linux") && (read < local || read > local + 4096 + index_len) {
        return Err(format!(
            "rank {}: read {read} bytes for {local} bytes of its own",
            rank.rank
        ));
    }
    let mut whole = skip_init!(Llama, LlamaConfig::tiny()).map_err(|e| e.to_string())?;
    whole
        .load_safetensors(checkpoint, LoadOptions::strict())
        .map_err(|e| e.to_string())?;
    let whole: std::collections::HashMap<String, Vec<u8>> = tensor_bytes(&whole).into_iter().collect();
    for (name, t) in m.state_dict().iter() {
        let mine = t.tensor().as_bytes().map_err(|e| e.to_string())?.to_vec();
        let want: Vec<u8> = match t.shard_info() {
            Some(info) => info
                .runs(4)
                .flat_map(|(at, len)| whole[name][at..at + len].to_vec())
                .collect(),
            None => whole[name].clone(),
        };
        if mine != want {
            return Err(format!(
                "rank {}: {name} differs from its part of the checkpoint",
                rank.rank
            ));
        }
    }
    m.save_safetensors_rank(out, &rank).map_err(|e| e.to_string())?;
    Ok(())
}

/// Launches `world` ranks of `plan_name` loading `checkpoint` (a file, or an index of rank
/// files saved with another layout), then checks that their rank files load back whole into
/// `original`, byte for byte.
fn launch(
    world: usize,
    plan_name: &str,
    checkpoint: &Path,
    original: &Path,
    out: &Path,
) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // A free port for rank 0 to listen on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let children: Vec<_> = (0..world)
        .map(|r| {
            Command::new(&exe)
                .env("RANK", r.to_string())
                .env("WORLD_SIZE", world.to_string())
                .env("LOCAL_RANK", r.to_string())
                .env("LOCAL_WORLD_SIZE", world.to_string())
                .env("MASTER_ADDR", "127.0.0.1")
                .env("MASTER_PORT", port.to_string())
                .env("SHARD_TEST_CHECKPOINT", checkpoint)
                .env("SHARD_TEST_OUT", out)
                .env("SHARD_TEST_PLAN", plan_name)
                .spawn()
                .map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    for (r, child) in children.into_iter().enumerate() {
        let status = child.wait_with_output().map_err(|e| e.to_string())?.status;
        if !status.success() {
            return Err(format!("rank {r} of {world} ({plan_name}) failed: {status}"));
        }
    }
    let mut back = skip_init!(Llama, LlamaConfig::tiny()).map_err(|e| e.to_string())?;
    let r = back
        .load_safetensors(out.join("model.safetensors.index.json"), LoadOptions::strict())
        .map_err(|e| e.to_string())?;
    if !r.is_complete() {
        return Err(format!("reassembled load: {r}"));
    }
    let again = out.join("whole.safetensors");
    back.save_safetensors(&again).map_err(|e| e.to_string())?;
    if std::fs::read(&again).ok() != std::fs::read(original).ok() {
        return Err(format!(
            "world {world} ({plan_name}): the reassembled model differs from the checkpoint"
        ));
    }
    Ok(())
}

fn main() {
    if std::env::var_os("RANK").is_some() {
        let (ckpt, out, plan) = (
            PathBuf::from(std::env::var_os("SHARD_TEST_CHECKPOINT").expect("set by the parent")),
            PathBuf::from(std::env::var_os("SHARD_TEST_OUT").expect("set by the parent")),
            std::env::var("SHARD_TEST_PLAN").expect("set by the parent"),
        );
        if let Err(e) = run_rank(&ckpt, &out, &plan) {
            eprintln!("{e}");
            std::process::exit(1);
        }
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let checkpoint = dir.path().join("llama.safetensors");
    modules::new!(Llama, LlamaConfig::tiny())
        .and_then(|m| m.save_safetensors(&checkpoint))
        .expect("the checkpoint");
    let (mut passed, mut failed) = (0, 0);
    let mut record = |name: String, result: Result<(), String>| match result {
        Ok(()) => {
            println!("test ranks_as_processes::{name} ... ok");
            passed += 1;
        }
        Err(e) => {
            println!("test ranks_as_processes::{name} ... FAILED: {e}");
            failed += 1;
        }
    };
    for plan_name in ["fsdp", "tp"] {
        for world in [1, 2, 3] {
            let out = dir.path().join(format!("{plan_name}-{world}"));
            let result = launch(world, plan_name, &checkpoint, &checkpoint, &out);
            record(format!("{plan_name}_world_{world}"), result);
        }
    }
    // Resharding: rank files saved by one layout, loaded by ranks of another, each reading
    // only its own bytes from whichever files hold them.
    for (saved, plan_name, world) in [("fsdp-3", "tp", 2), ("tp-2", "fsdp", 3)] {
        let index = dir.path().join(saved).join("model.safetensors.index.json");
        let out = dir.path().join(format!("{saved}-as-{plan_name}-{world}"));
        let result = launch(world, plan_name, &index, &checkpoint, &out);
        record(format!("reshard_{saved}_as_{plan_name}_world_{world}"), result);
    }
    println!(
        "\ntest result: {}. {passed} passed; {failed} failed; 0 ignored; 0 measured; 0 filtered out\n",
        if failed == 0 { "ok" } else { "FAILED" }
    );
    if failed > 0 {
        std::process::exit(1);
    }
}
