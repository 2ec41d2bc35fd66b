//! The import graph between the files of a crate, for `import_cycles.rs`.
//!
//! A reader of paths, not a Rust parser (no crate does this for a test; `syn` would parse the
//! files but not resolve re-exports): it follows `use` trees and inline paths from `crate::`,
//! `super::`, `self::` or a declared child module (`traverse::walk`), through `pub use`
//! re-exports, to the file that defines the item; `#[path = "f.rs"] mod m;` makes `f.rs`
//! module `m`. Comments and `#[cfg(test)]` modules are left out; inside an inline
//! `mod x { .. }`, `super` is the file; a path through an inline module (`crate::prelude::*`)
//! stays in the file that holds it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub type ModPath = Vec<String>;

struct File {
    source: String,
    /// `mod x;` declarations.
    children: BTreeSet<String>,
    /// `mod x { .. }`: paths through them stay in this file.
    inline: BTreeSet<String>,
}

pub struct Crate {
    files: BTreeMap<ModPath, File>,
    /// `(module, name)` → the path it re-exports; `None` for an item of another crate.
    exports: BTreeMap<(ModPath, String), Option<ModPath>>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn mod_path(src: &Path, file: &Path) -> ModPath {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut segs: ModPath = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    if matches!(segs.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        segs.pop();
    }
    segs
}

/// The source without comments and without `#[cfg(test)] mod x { .. }` blocks; the `super` of
/// an inline module's paths is rewritten to `self` (its parent is the file itself).
fn cleaned(source: &str) -> String {
    let no_comments: String = source
        .lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = String::new();
    let mut rest = no_comments.as_str();
    while let Some(i) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..i]);
        let after = rest[i..].trim_start_matches("#[cfg(test)]").trim_start();
        let block = after
            .strip_prefix("mod ")
            .filter(|m| mod_declaration(m).1 == Some('{'))
            .map(|m| &m[m.find('{').unwrap()..]);
        rest = match block {
            Some(b) => &b[matching_brace(b)..],
            None => &rest[i + "#[cfg(test)]".len()..],
        };
    }
    out.push_str(rest);
    inline_supers_to_self(&out)
}

/// The index just past the brace that closes `s`'s opening one.
fn matching_brace(s: &str) -> usize {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 1 => return i + 1,
            '}' => depth -= 1,
            _ => {}
        }
    }
    s.len()
}

fn inline_supers_to_self(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = find_word(rest, "mod") {
        let after = &rest[i + 3..];
        if mod_declaration(after).1 != Some('{') {
            out.push_str(&rest[..i + 3]);
            rest = after;
            continue;
        }
        let open = i + 3 + after.find('{').unwrap();
        let end = open + matching_brace(&rest[open..]);
        out.push_str(&rest[..open]);
        out.push_str(&rest[open..end].replace("super::", "self::"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn find_word(s: &str, word: &str) -> Option<usize> {
    s.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = s[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !is_ident(c) && c != ':');
        let after = s[i + word.len()..].chars().next().is_none_or(|c| !is_ident(c));
        before && after
    })
}

/// The leaves of the use tree `tree` (`a::{b, c::d as e}`): each a path and the name it binds.
fn use_leaves(tree: &str, prefix: &[String], out: &mut Vec<(ModPath, String)>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let mut base = prefix.to_vec();
        base.extend(segments(&tree[..open]));
        let body = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let (mut depth, mut start) = (0, 0);
        for (i, c) in body.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    use_leaves(&body[start..i], &base, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        use_leaves(&body[start..], &base, out);
    } else if !tree.is_empty() {
        let (path, alias) = tree.split_once(" as ").unwrap_or((tree, ""));
        let mut segs = prefix.to_vec();
        segs.extend(segments(path));
        if segs.last().is_some_and(|s| s == "self") {
            segs.pop();
        }
        let name = if alias.is_empty() {
            segs.last().cloned().unwrap_or_default()
        } else {
            alias.trim().to_string()
        };
        out.push((segs, name));
    }
}

fn segments(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// Every `use` statement's leaves, with whether it re-exports (`pub use`, `pub(crate) use`).
fn uses(source: &str) -> Vec<(bool, ModPath, String)> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(i) = find_word(rest, "use") {
        let public = rest[..i].trim_end().ends_with("pub") || rest[..i].trim_end().ends_with(')');
        let end = i + rest[i..].find(';').unwrap_or(rest.len() - i);
        let tree = &rest[i + 3..end];
        // A `use` in prose or a string is not a use tree: skip what a tree cannot hold.
        if tree
            .chars()
            .all(|c| is_ident(c) || c.is_whitespace() || ":{},*".contains(c))
        {
            let mut leaves = Vec::new();
            use_leaves(tree, &[], &mut leaves);
            out.extend(leaves.into_iter().map(|(p, n)| (public, p, n)));
        }
        rest = &rest[end..];
    }
    out
}

/// Inline paths that start at `crate`, `super`, `self` or one of `children` (`mod x;`).
fn inline_paths(source: &str, children: &BTreeSet<String>) -> Vec<ModPath> {
    let mut out = Vec::new();
    let roots = ["crate", "super", "self"]
        .into_iter()
        .map(String::from)
        .chain(children.iter().cloned());
    for root in roots.map(|r| r + "::") {
        for (i, _) in source.match_indices(&root) {
            if source[..i]
                .chars()
                .next_back()
                .is_some_and(|c| is_ident(c) || c == ':')
            {
                continue;
            }
            let path: String = source[i..]
                .chars()
                .take_while(|&c| is_ident(c) || c == ':')
                .collect();
            out.push(segments(&path).collect());
        }
    }
    out
}

impl Crate {
    pub fn read(src: &Path) -> Crate {
        let mut paths = Vec::new();
        rust_files(src, &mut paths);
        let sources: Vec<(PathBuf, String)> = paths
            .into_iter()
            .map(|p| {
                let source = cleaned(&std::fs::read_to_string(&p).unwrap());
                (p, source)
            })
            .collect();
        // `#[path = "file.rs"] mod name;`: that file is module `name` of the declaring one.
        let mut renamed = BTreeMap::new();
        for (path, source) in &sources {
            for (file, name) in path_attributes(source) {
                let mut module = mod_path(src, path);
                module.push(name);
                renamed.insert(path.parent().unwrap().join(file), module);
            }
        }
        let mut files = BTreeMap::new();
        for (path, source) in sources {
            let (children, inline) = declared_mods(&source);
            let module = renamed.remove(&path).unwrap_or_else(|| mod_path(src, &path));
            files.insert(
                module,
                File {
                    source,
                    children,
                    inline,
                },
            );
        }
        let mut krate = Crate {
            files,
            exports: BTreeMap::new(),
        };
        let mut exports = BTreeMap::new();
        for (here, file) in &krate.files {
            for (public, path, name) in uses(&file.source) {
                if public {
                    exports.insert((here.clone(), name), krate.absolute(here, &path));
                }
            }
        }
        krate.exports = exports;
        krate
    }

    /// `path` from the crate root, or `None` when it names another crate.
    fn absolute(&self, here: &ModPath, path: &[String]) -> Option<ModPath> {
        let (first, rest) = path.split_first()?;
        let mut base = match first.as_str() {
            "crate" => return Some(rest.to_vec()),
            "self" => here.clone(),
            "super" => here[..here.len().saturating_sub(1)].to_vec(),
            child if self.files[here].children.contains(child) => {
                return Some([here.clone(), path.to_vec()].concat())
            }
            _ => return None,
        };
        let mut rest = rest;
        while let Some(("super", tail)) = rest.split_first().map(|(s, t)| (s.as_str(), t)) {
            base.pop();
            rest = tail;
        }
        Some([base, rest.to_vec()].concat())
    }

    /// The file that defines the item at `path`, following re-exports; `None` for another crate's.
    fn file_of(&self, path: &[String], hops: usize) -> Option<ModPath> {
        let mut cur = ModPath::new();
        for (i, seg) in path.iter().enumerate() {
            // A glob imports from the module it names; an inline module is part of its file.
            if seg == "*" {
                return Some(cur);
            }
            if self.files[&cur].inline.contains(seg) {
                continue;
            }
            let mut next = cur.clone();
            next.push(seg.clone());
            if self.files.contains_key(&next) {
                cur = next;
                continue;
            }
            return match self.exports.get(&(cur.clone(), seg.clone())) {
                Some(Some(target)) if hops < 20 => {
                    self.file_of(&[target.clone(), path[i + 1..].to_vec()].concat(), hops + 1)
                }
                Some(None) => None,
                _ if self.exports.contains_key(&(cur.clone(), "*".into())) => None,
                _ => Some(cur),
            };
        }
        Some(cur)
    }

    pub fn edges(&self) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
        let mut edges = BTreeMap::new();
        for (here, file) in &self.files {
            let paths = uses(&file.source)
                .into_iter()
                .map(|(_, p, _)| p)
                .chain(inline_paths(&file.source, &file.children));
            let targets = paths
                .filter(|p| p.len() > 1)
                .filter_map(|p| self.absolute(here, &p))
                .filter_map(|p| self.file_of(&p, 0))
                .filter(|t| t != here);
            edges.insert(here.clone(), targets.collect());
        }
        edges
    }
}

/// What follows the keyword `mod`: the module's name, and the character after it (`;` for a
/// module in a file of its own, `{` for an inline one).
fn mod_declaration(after_keyword: &str) -> (String, Option<char>) {
    let after = after_keyword.trim_start();
    let name: String = after.chars().take_while(|&c| is_ident(c)).collect();
    let next = after[name.len()..].trim_start().chars().next();
    (name, next)
}

/// `(file, module name)` of every `#[path = "file"] mod name;`.
fn path_attributes(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, _) in source.match_indices("#[path = \"") {
        let rest = &source[i + "#[path = \"".len()..];
        let Some(end) = rest.find('"') else { continue };
        let after = &rest[end..];
        let Some(m) = find_word(after, "mod") else {
            continue;
        };
        out.push((rest[..end].to_string(), mod_declaration(&after[m + 3..]).0));
    }
    out
}

/// The modules a file declares: in files of their own (`mod x;`) and inline (`mod x { .. }`).
fn declared_mods(source: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut files, mut inline) = (BTreeSet::new(), BTreeSet::new());
    let mut rest = source;
    while let Some(i) = find_word(rest, "mod") {
        match mod_declaration(&rest[i + 3..]) {
            (name, Some(';')) => files.insert(name),
            (name, Some('{')) => inline.insert(name),
            _ => false,
        };
        rest = &rest[i + 3..];
    }
    (files, inline)
}

pub fn reaches(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>, from: &ModPath, to: &ModPath) -> bool {
    let (mut seen, mut todo) = (BTreeSet::new(), vec![from.clone()]);
    while let Some(m) = todo.pop() {
        if &m == to {
            return true;
        }
        if seen.insert(m.clone()) {
            todo.extend(edges.get(&m).into_iter().flatten().cloned());
        }
    }
    false
}
