//! The one table of field keys: what each takes, which keys it cannot stand beside, and which
//! it needs beside it. Parsing (`attr.rs`) reads it to know how to parse a key and to list the
//! keys in messages; the validation pass (`check.rs`) reads it to report every combination
//! that makes no sense. A new key is a row here, and a line in `check::kind` if it changes
//! what the field is.

use proc_macro2::Span;
use syn::{Expr, LitStr};

use crate::args::CallArgs;

/// What a key takes after its name.
#[derive(Clone, Copy, PartialEq)]
pub enum Takes {
    /// Nothing: `skip`.
    Flag,
    /// `= expr`.
    Expr,
    /// `= "name"`.
    Name,
    /// `(args...)`: a child's constructor arguments.
    Args,
}

pub struct Key {
    pub name: &'static str,
    pub takes: Takes,
    /// How it is written, in the list of keys an unknown key gets.
    pub form: &'static str,
    /// Keys that cannot stand beside it, and why; the later of two keys in this table is the
    /// one reported.
    pub excludes: &'static [&'static str],
    pub why: &'static str,
    /// Keys of which one must stand beside it (none: it stands alone), and where it applies.
    pub needs: &'static [&'static str],
    pub applies_to: &'static str,
}

const KIND: &str = "a field is one of `param`, `buffer`, `new(...)`, `build` or `config`";
const PARTS: &[&str] = &["param", "buffer", "new", "build"];

const fn key(name: &'static str, takes: Takes, form: &'static str) -> Key {
    Key {
        name,
        takes,
        form,
        excludes: &[],
        why: "",
        needs: &[],
        applies_to: "",
    }
}

const fn kind(
    name: &'static str,
    takes: Takes,
    form: &'static str,
    excludes: &'static [&'static str],
) -> Key {
    Key {
        excludes,
        why: KIND,
        ..key(name, takes, form)
    }
}

const fn only(
    name: &'static str,
    takes: Takes,
    form: &'static str,
    needs: &'static [&'static str],
    applies_to: &'static str,
) -> Key {
    Key {
        needs,
        applies_to,
        ..key(name, takes, form)
    }
}

pub const FIELD_KEYS: &[Key] = &[
    Key {
        excludes: &[
            "param",
            "buffer",
            "new",
            "build",
            "config",
            "init",
            "repeat",
            "when",
            "flatten",
            "skip_repr",
            "rename",
            "persistent",
            "requires_grad",
            "dtype",
        ],
        why: "a skipped field is plain data the derive ignores",
        ..key("skip", Takes::Flag, "skip")
    },
    kind(
        "param",
        Takes::Expr,
        "param = [dims]",
        &["buffer", "new", "build", "config"],
    ),
    kind(
        "buffer",
        Takes::Expr,
        "buffer = [dims]",
        &["new", "build", "config"],
    ),
    kind("new", Takes::Args, "new(args...)", &["build", "config"]),
    kind("build", Takes::Expr, "build = |options| expr", &["config"]),
    key("config", Takes::Expr, "config = expr"),
    only(
        "init",
        Takes::Expr,
        "init = expr",
        &["param", "buffer"],
        "`param = ...` and `buffer = ...` fields",
    ),
    only(
        "repeat",
        Takes::Expr,
        "repeat = n",
        &["new"],
        "child fields built with `new(...)`",
    ),
    only(
        "when",
        Takes::Expr,
        "when = cond",
        PARTS,
        "`param`, `buffer`, `new(...)` and `build` fields",
    ),
    key("flatten", Takes::Flag, "flatten"),
    only(
        "skip_repr",
        Takes::Flag,
        "skip_repr",
        &["config"],
        "`config = ...` fields",
    ),
    key("rename", Takes::Name, "rename = \"name\""),
    only(
        "persistent",
        Takes::Expr,
        "persistent = false",
        &["buffer"],
        "`buffer = ...` fields",
    ),
    only(
        "requires_grad",
        Takes::Expr,
        "requires_grad = false",
        &["param"],
        "`param = ...` fields",
    ),
    only(
        "dtype",
        Takes::Expr,
        "dtype = DType::...",
        &["buffer"],
        "`buffer = ...` fields",
    ),
];

/// A key as written in messages: `new(...)` for the one that takes arguments.
pub fn shown(name: &str) -> String {
    match FIELD_KEYS.iter().find(|k| k.name == name) {
        Some(k) if k.takes == Takes::Args => format!("{name}(...)"),
        _ => name.to_string(),
    }
}

/// A key's value.
pub enum Value {
    Flag,
    Expr(Expr),
    Name(LitStr),
    Args(CallArgs),
}

/// A key given on a field: its value, and where `key = value` starts and ends.
pub struct Given {
    pub first: Span,
    pub last: Span,
    pub value: Value,
}

/// Every key of one field's `#[module(...)]` attributes, in table order, before their
/// combination is checked.
pub struct RawField(Vec<Option<Given>>);

impl Default for RawField {
    fn default() -> Self {
        RawField(FIELD_KEYS.iter().map(|_| None).collect())
    }
}

fn index(name: &str) -> usize {
    FIELD_KEYS
        .iter()
        .position(|k| k.name == name)
        .unwrap_or_else(|| panic!("`{name}` is not in FIELD_KEYS"))
}

impl RawField {
    /// Records key `i` of the table; `false` when it was given already.
    pub fn set(&mut self, i: usize, given: Given) -> bool {
        let free = self.0[i].is_none();
        if free {
            self.0[i] = Some(given);
        }
        free
    }

    pub fn get(&self, name: &str) -> Option<&Given> {
        self.0[index(name)].as_ref()
    }

    pub fn is_set(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Where `name = value` was written.
    pub fn range(&self, name: &str) -> Option<(Span, Span)> {
        self.get(name).map(|g| (g.first, g.last))
    }

    /// The keys given, with their table rows, in table order.
    pub fn given(&self) -> impl Iterator<Item = (&'static Key, &Given)> {
        FIELD_KEYS
            .iter()
            .zip(&self.0)
            .filter_map(|(k, g)| g.as_ref().map(|g| (k, g)))
    }

    pub fn take(&mut self, name: &str) -> Option<Given> {
        self.0[index(name)].take()
    }

    /// The expression of an `= expr` key.
    pub fn expr(&mut self, name: &str) -> Option<Expr> {
        match self.take(name)?.value {
            Value::Expr(e) => Some(e),
            _ => None,
        }
    }
}
