//! No two files of a crate import each other, directly or around a circle (ARCHITECTURE.md).

mod import_graph;

use std::collections::BTreeSet;
use std::path::Path;

use import_graph::{reaches, Crate};

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = vec![root.join("src")];
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        sources.push(entry.unwrap().path().join("src"));
    }
    let mut circles = Vec::new();
    let mut edge_count = 0;
    for src in sources {
        let edges = Crate::read(&src).edges();
        for (from, targets) in &edges {
            edge_count += targets.len();
            for to in targets.iter().filter(|to| reaches(&edges, to, from)) {
                circles.push(format!(
                    "{}: {} -> {}",
                    src.display(),
                    from.join("/"),
                    to.join("/")
                ));
            }
        }
    }
    assert!(
        edge_count > 200,
        "expected the crates' files to import each other, found {edge_count} imports"
    );
    assert!(
        circles.is_empty(),
        "imports that lead back to their file:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_reader_sees_circles_through_paths_preludes_and_path_attributes_not_inline_supers() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "lib.rs",
        "mod a;\nmod b;\nmod c;\nmod d;\npub use c::C;\npub mod prelude {\n    pub use crate::d::D;\n}\n\
         #[path = \"renamed.rs\"]\nmod e;\nfn f(_: e::E) {}\npub struct L;\n",
    );
    write("renamed.rs", "pub struct E(crate::L);\n");
    write("d.rs", "use crate::prelude::*;\npub struct D;\n");
    write("a.rs", "use crate::b::B;\npub struct A;\n");
    write("b.rs", "// use crate::c::C;\npub struct B(crate::a::A);\n");
    write(
        "c.rs",
        "pub struct C;\nmod inner {\n    use super::C;\n}\n#[cfg(test)]\nmod tests {\n    use crate::C;\n}\n",
    );
    let edges = Crate::read(dir.path()).edges();
    let (a, b, c) = (
        vec!["a".to_string()],
        vec!["b".to_string()],
        vec!["c".to_string()],
    );
    assert!(reaches(&edges, &a, &b) && reaches(&edges, &b, &a));
    assert!(edges[&c].is_empty(), "{:?}", edges[&c]);
    let d = vec!["d".to_string()];
    assert!(
        reaches(&edges, &d, &vec![]) && reaches(&edges, &vec![], &d),
        "a prelude that re-exports its importer"
    );
    let e = vec!["e".to_string()];
    assert!(
        reaches(&edges, &e, &vec![]) && reaches(&edges, &vec![], &e),
        "a `#[path]` module, named by a path relative to its parent"
    );
    assert_eq!(edges[&vec![]], BTreeSet::from([c, d, e]));
}
