//! Tied parameters: one storage in two places.

mod common;
use common::*;
use modules::prelude::*;

fn tied_model(device: Device) -> Model {
    let m = skip_init!(Model, 10, 4, n_layers = 1, device = device).unwrap();
    // Tie the lm head to the embedding (shapes [10, 4] both).
    let mut m = m;
    m.head.weight = m.embed.weight.clone();
    m
}

#[test]
fn named_parameters_lists_a_tied_weight_once_and_state_dict_twice() {
    let m = tied_model(Meta);
    let names = names(m.named_parameters());
    assert!(names.contains(&"embed.weight".to_string()));
    assert!(!names.contains(&"head.weight".to_string()));
    let keys: Vec<String> = m.state_dict().keys().map(String::from).collect();
    assert!(keys.contains(&"embed.weight".to_string()) && keys.contains(&"head.weight".to_string()));
    let sd = m.state_dict();
    assert!(sd
        .get("embed.weight")
        .unwrap()
        .same_slot(sd.get("head.weight").unwrap()));
}

#[test]
fn ties_survive_to_empty_from_meta_and_from_cpu() {
    let mut m = tied_model(Meta);
    m.to_empty(Cpu).unwrap();
    assert!(m.head.weight.is_tied_to(&m.embed.weight));
    m.embed.weight.tensor_mut().fill(3.0).unwrap();
    assert_eq!(m.head.weight.tensor().to_vec::<f32>().unwrap(), vec![3.0; 40]);
    m.to_empty(Cpu).unwrap();
    assert!(m.head.weight.is_tied_to(&m.embed.weight));
    m.to(Cpu).unwrap();
    assert!(m.head.weight.is_tied_to(&m.embed.weight));
    m.to_dtype(F64).unwrap();
    assert!(m.head.weight.is_tied_to(&m.embed.weight));
    assert_eq!(m.head.weight.dtype(), F64);
}

#[test]
fn reset_parameters_keeps_the_tie() {
    let mut m = tied_model(Cpu);
    m.reset_parameters().unwrap();
    assert!(m.head.weight.is_tied_to(&m.embed.weight));
}
