//! Sharded materialization in one process, rank by rank: shard on meta, allocate the local
//! part, load only its bytes, save each rank's part, and load the parts back whole.
//! `shard_ranks.rs` runs the same with one process per rank.

mod common;
#[path = "../examples/models/llama.rs"]
mod llama;

use common::tensor_bytes;
use llama::{tensor_parallel_plan, Llama, LlamaConfig};
use modules::prelude::*;
use modules::shard::{Placement, Rank, ShardInfo, ShardPlan};

fn rank(r: usize, world: usize) -> Rank {
    Rank {
        rank: r,
        world_size: world,
        local_rank: r,
        local_world_size: world,
        ..Rank::single()
    }
}

/// Rank `r`'s part of a whole tensor's bytes.
fn slice(whole: &[u8], info: &ShardInfo, elem: usize) -> Vec<u8> {
    info.runs(elem)
        .flat_map(|(at, len)| whole[at..at + len].to_vec())
        .collect()
}

fn sharded(r: usize, world: usize, plan: &ShardPlan) -> Llama {
    let mut m = skip_init!(Llama, LlamaConfig::tiny(), device = Meta).unwrap();
    m.shard(plan, &rank(r, world)).unwrap();
    m
}

#[test]
fn each_rank_loads_exactly_its_part_for_fsdp_and_tensor_parallel_plans() {
    let full = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    let (_dir, path) = common::saved(&full, "llama.safetensors");
    let whole: std::collections::HashMap<String, Vec<u8>> = tensor_bytes(&full).into_iter().collect();
    for plan in [ShardPlan::fsdp(), tensor_parallel_plan()] {
        for world in [1, 2, 3] {
            for r in 0..world {
                for zero_copy in [false, true] {
                    let mut m = sharded(r, world, &plan);
                    if !zero_copy {
                        m.to_empty(Cpu).unwrap();
                    }
                    let report = m
                        .load_safetensors(&path, LoadOptions::strict().zero_copy(zero_copy))
                        .unwrap();
                    assert!(report.is_complete(), "{report}");
                    let local: u64 = m
                        .state_dict()
                        .iter()
                        .map(|(_, t)| t.tensor().size_in_bytes() as u64)
                        .sum();
                    assert_eq!(report.bytes, local, "only the local bytes are written");
                    for (name, t) in m.state_dict().iter() {
                        let bytes = t.tensor().as_bytes().unwrap().to_vec();
                        let want = match t.shard_info() {
                            Some(info) => slice(&whole[name], &info, 4),
                            None => whole[name].clone(),
                        };
                        assert_eq!(bytes, want, "{name}, rank {r} of {world}");
                    }
                }
            }
        }
    }
}

#[test]
fn tensor_parallel_plan_places_llama_like_megatron() {
    let m = sharded(1, 2, &tensor_parallel_plan());
    let layer = &m.model.layers[0];
    let info = |p: &Parameter| p.shard_info().map(|i| i.dim);
    assert_eq!(info(&layer.self_attn.q_proj.weight), Some(0));
    assert_eq!(info(&layer.mlp.down_proj.weight), Some(1));
    assert_eq!(info(&m.model.embed_tokens.weight), Some(0));
    assert_eq!(layer.input_layernorm.weight.as_ref().unwrap().shard_info(), None);
    let q = &layer.self_attn.q_proj.weight;
    assert_eq!((q.shape(), q.global_shape()), (vec![8, 16], vec![16, 16]));
    // The repr keeps the module's global configuration.
    assert!(m
        .to_string()
        .contains("(q_proj): Linear(in_features=16, out_features=16, bias=False)"));
}

#[test]
fn rank_files_load_back_whole_in_one_process_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("llama.safetensors");
    let mut full = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    full.lm_head.weight = full.model.embed_tokens.weight.clone();
    full.save_safetensors(&path).unwrap();
    for (plan, world) in [(ShardPlan::fsdp(), 3), (tensor_parallel_plan(), 2)] {
        let out = dir.path().join(format!("ranks-{world}"));
        for r in 0..world {
            let mut m = sharded(r, world, &plan);
            m.lm_head.weight = m.model.embed_tokens.weight.clone();
            m.to_empty(Cpu).unwrap();
            m.load_safetensors(&path, LoadOptions::strict()).unwrap();
            m.save_safetensors_rank(&out, &rank(r, world)).unwrap();
        }
        let mut back = skip_init!(Llama, LlamaConfig::tiny()).unwrap();
        back.lm_head.weight = back.model.embed_tokens.weight.clone();
        let r = back
            .load_safetensors(out.join("model.safetensors.index.json"), LoadOptions::strict())
            .unwrap();
        assert!(r.is_complete(), "{r}");
        assert_eq!(tensor_bytes(&full), tensor_bytes(&back), "world {world}");
        // And the whole model saved from it is the original file, byte for byte.
        let again = dir.path().join(format!("again-{world}.safetensors"));
        back.save_safetensors(&again).unwrap();
        assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&path).unwrap());
    }
}

#[test]
fn rank_files_reshard_into_another_plan_and_world_size() {
    let dir = tempfile::tempdir().unwrap();
    let full = modules::new!(Llama, LlamaConfig::tiny()).unwrap();
    let whole: std::collections::HashMap<String, Vec<u8>> = tensor_bytes(&full).into_iter().collect();
    let path = dir.path().join("llama.safetensors");
    full.save_safetensors(&path).unwrap();
    // Saved by 3 FSDP ranks, loaded by 2 tensor-parallel ranks, and the other way round.
    let layouts = [
        ((ShardPlan::fsdp(), 3), (tensor_parallel_plan(), 2)),
        ((tensor_parallel_plan(), 2), (ShardPlan::fsdp(), 3)),
    ];
    for ((saved_plan, saved_world), (plan, world)) in layouts {
        let out = dir.path().join(format!("saved-by-{saved_world}"));
        for r in 0..saved_world {
            let mut m = sharded(r, saved_world, &saved_plan);
            m.to_empty(Cpu).unwrap();
            m.load_safetensors(&path, LoadOptions::strict()).unwrap();
            m.save_safetensors_rank(&out, &rank(r, saved_world)).unwrap();
        }
        for r in 0..world {
            let mut m = sharded(r, world, &plan);
            m.to_empty(Cpu).unwrap();
            let report = m
                .load_safetensors(out.join("model.safetensors.index.json"), LoadOptions::strict())
                .unwrap();
            assert!(report.is_complete(), "{report}");
            for (name, t) in m.state_dict().iter() {
                let want = match t.shard_info() {
                    Some(info) => slice(&whole[name], &info, 4),
                    None => whole[name].clone(),
                };
                assert_eq!(
                    t.tensor().as_bytes().unwrap(),
                    &want[..],
                    "{name}, rank {r} of {world}"
                );
            }
        }
    }
}

#[test]
fn a_part_missing_from_a_rank_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for r in 0..2 {
        let mut m = sharded(r, 2, &ShardPlan::fsdp());
        m.to_empty(Cpu).unwrap();
        m.reset_parameters().unwrap();
        m.save_safetensors_rank(dir.path(), &rank(r, 2)).unwrap();
    }
    let index = dir.path().join("model.safetensors.index.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&index).unwrap()).unwrap();
    v["shard_map"]["model.norm.weight"]["parts"][1]["start"] = 9.into();
    std::fs::write(&index, v.to_string()).unwrap();
    let mut back = skip_init!(Llama, LlamaConfig::tiny()).unwrap();
    common::assert_error_names(
        back.load_safetensors(&index, LoadOptions::strict()),
        &["model.norm.weight", "tile dimension 0"],
    );
    assert!(back.uninitialized().len() > 10, "nothing was written");
}

#[test]
fn bad_plans_and_states_are_errors_and_change_nothing() {
    let mut on_cpu = skip_init!(Linear, 4, 4).unwrap();
    common::assert_error_names(
        on_cpu.shard(&ShardPlan::fsdp(), &rank(0, 2)),
        &["must be on meta"],
    );
    let mut m = skip_init!(Linear, 4, 4, device = Meta).unwrap();
    let e = m
        .shard(&ShardPlan::new().exact("bias", Placement::Shard(1)), &rank(0, 2))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "cannot shard bias: the plan splits dimension 1, but its shape is [4]"
    );
    assert_eq!(m.weight.shape(), vec![4, 4]);
    let mut tied = skip_init!(Llama, LlamaConfig::tiny(), device = Meta).unwrap();
    tied.lm_head.weight = tied.model.embed_tokens.weight.clone();
    let plan = ShardPlan::new()
        .exact("model.embed_tokens.weight", Placement::Shard(0))
        .exact("lm_head.weight", Placement::Shard(1));
    common::assert_error_names(
        tied.shard(&plan, &rank(0, 2)),
        &["tied to `model.embed_tokens.weight`"],
    );
    m.shard(&ShardPlan::fsdp(), &rank(1, 2)).unwrap();
    assert!(m
        .shard(&ShardPlan::fsdp(), &rank(1, 2))
        .unwrap_err()
        .to_string()
        .contains("sharded already"));
}
