//! The typed attribute model: `#[module(...)]` on a struct and its fields, parsed and checked
//! before any code is emitted (serde_derive's way). Every problem is collected with its span
//! and reported at once.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr, Path, Token, Type};

use crate::args::CallArgs;

/// Collects errors so that all of them are reported, not just the first.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    pub fn at(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.push(syn::Error::new(span, msg));
    }

    pub fn finish(self) -> Result<(), syn::Error> {
        self.0.map_or(Ok(()), Err)
    }
}

/// One declared constructor argument: `name: Type` or `name: Type = default`.
pub struct ArgDecl {
    pub name: Ident,
    pub ty: Type,
    pub default: Option<Expr>,
}

impl Parse for ArgDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty: Type = input.parse()?;
        let default = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(ArgDecl { name, ty, default })
    }
}

/// `#[module(...)]` on the struct.
#[derive(Default)]
pub struct StructAttrs {
    pub krate: Option<Path>,
    pub new: Option<(Span, Vec<ArgDecl>)>,
    pub name: Option<LitStr>,
    pub extra_repr: Option<Expr>,
    pub reset: Option<Expr>,
}

/// How a field is built by the generated constructor.
pub enum Build {
    Param {
        shape: Expr,
        init: Expr,
        requires_grad: Option<Expr>,
    },
    Buffer {
        shape: Expr,
        init: Expr,
        dtype: Option<Expr>,
        persistent: Option<Expr>,
    },
    Child {
        span: Span,
        args: CallArgs,
        repeat: Option<Expr>,
    },
    /// `build = |options| ...`: a closure from `&TensorOptions` to `Result<T>`, for parts the
    /// grammar cannot declare. Such modules are checked after a meta construction.
    Custom(Expr),
}

/// What a field is.
pub enum FieldKind {
    /// A parameter, buffer or child: traversed, and built when `build` is declared.
    Part {
        build: Option<Box<Build>>,
        when: Option<Expr>,
        /// Its members are shown as the parent's own (no name prefix, not a child in the repr).
        flatten: bool,
    },
    /// Plain data computed from the constructor's arguments, shown in the repr.
    Config(Expr),
    /// Plain data the derive ignores (`Default` in generated constructors).
    Skip,
}

pub struct Field {
    pub member: syn::Member,
    pub ty: Type,
    /// The name in parameter paths and state dicts.
    pub name: String,
    pub span: Span,
    pub kind: FieldKind,
}

fn is(meta: &syn::meta::ParseNestedMeta, key: &str) -> bool {
    meta.path.is_ident(key)
}

fn key_name(path: &Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

pub fn parse_struct_attrs(attrs: &[syn::Attribute], errors: &mut Errors) -> StructAttrs {
    let mut out = StructAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("module")) {
        let r = attr.parse_nested_meta(|meta| {
            if is(&meta, "crate") {
                out.krate = Some(meta.value()?.parse()?);
            } else if is(&meta, "name") {
                out.name = Some(meta.value()?.parse()?);
            } else if is(&meta, "extra_repr") {
                out.extra_repr = Some(meta.value()?.parse()?);
            } else if is(&meta, "reset") {
                out.reset = Some(meta.value()?.parse()?);
            } else if is(&meta, "new") {
                let content;
                syn::parenthesized!(content in meta.input);
                let decls = Punctuated::<ArgDecl, Token![,]>::parse_terminated(&content)?;
                out.new = Some((meta.path.span(), decls.into_iter().collect()));
            } else {
                return Err(meta.error(format!(
                    "unknown module attribute `{}`; on a struct, expected one of: \
                     `new(arg: Type, ...)`, `crate = path`, `name = \"...\"`, `extra_repr = path`, `reset = path`",
                    key_name(&meta.path)
                )));
            }
            Ok(())
        });
        if let Err(e) = r {
            errors.push(e);
        }
    }
    if let Some((_, decls)) = &out.new {
        let mut seen: Vec<String> = Vec::new();
        for d in decls {
            let n = d.name.to_string();
            if n == "device" || n == "dtype" {
                errors.at(
                    d.name.span(),
                    format!("`{n}` is reserved: the device and dtype are passed to every constructor automatically"),
                );
            } else if n == "finish" {
                errors.at(
                    d.name.span(),
                    "`finish` is reserved by the argument builder; choose another name",
                );
            } else if seen.contains(&n) {
                errors.at(
                    d.name.span(),
                    format!("constructor argument `{n}` is declared twice"),
                );
            }
            seen.push(n);
        }
    }
    out
}

#[derive(Default)]
struct RawField {
    skip: Option<Span>,
    rename: Option<LitStr>,
    config: Option<Expr>,
    param: Option<Expr>,
    buffer: Option<Expr>,
    init: Option<Expr>,
    requires_grad: Option<Expr>,
    dtype: Option<Expr>,
    persistent: Option<Expr>,
    new: Option<(Span, CallArgs)>,
    build: Option<Expr>,
    flatten: bool,
    repeat: Option<Expr>,
    when: Option<Expr>,
}

const FIELD_KEYS: &str = "`param = [dims]`, `buffer = [dims]`, `init = expr`, `new(args...)`, `repeat = n`, \
`when = cond`, `build = |options| expr`, `flatten`, `config = expr`, `skip`, `rename = \"name\"`, `persistent = false`, `requires_grad = false`, \
`dtype = DType::...`";

fn parse_raw_field(field: &syn::Field, errors: &mut Errors) -> RawField {
    let mut raw = RawField::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("module")) {
        let r = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if is(&meta, "skip") {
                raw.skip = Some(span);
            } else if is(&meta, "rename") {
                raw.rename = Some(meta.value()?.parse()?);
            } else if is(&meta, "config") {
                raw.config = Some(meta.value()?.parse()?);
            } else if is(&meta, "param") {
                raw.param = Some(meta.value()?.parse()?);
            } else if is(&meta, "buffer") {
                raw.buffer = Some(meta.value()?.parse()?);
            } else if is(&meta, "init") {
                raw.init = Some(meta.value()?.parse()?);
            } else if is(&meta, "requires_grad") {
                raw.requires_grad = Some(meta.value()?.parse()?);
            } else if is(&meta, "dtype") {
                raw.dtype = Some(meta.value()?.parse()?);
            } else if is(&meta, "persistent") {
                raw.persistent = Some(meta.value()?.parse()?);
            } else if is(&meta, "repeat") {
                raw.repeat = Some(meta.value()?.parse()?);
            } else if is(&meta, "build") {
                raw.build = Some(meta.value()?.parse()?);
            } else if is(&meta, "flatten") {
                raw.flatten = true;
            } else if is(&meta, "when") {
                raw.when = Some(meta.value()?.parse()?);
            } else if is(&meta, "new") {
                let content;
                syn::parenthesized!(content in meta.input);
                let mut args: CallArgs = content.parse()?;
                args.reject_reserved();
                raw.new = Some((span, args));
            } else {
                return Err(meta.error(format!(
                    "unknown module attribute `{}`; on a field, expected one of: {FIELD_KEYS}",
                    key_name(&meta.path)
                )));
            }
            Ok(())
        });
        if let Err(e) = r {
            errors.push(e);
        }
    }
    raw
}

/// Checks the combination of keys on one field and turns it into a [`FieldKind`].
fn field_kind(raw: RawField, span: Span, errors: &mut Errors) -> FieldKind {
    let builds = [
        raw.param.is_some(),
        raw.buffer.is_some(),
        raw.new.is_some(),
        raw.config.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if raw.skip.is_some() && (builds > 0 || raw.rename.is_some()) {
        errors.at(
            span,
            "`skip` cannot be combined with other module attributes: a skipped field is plain data",
        );
    }
    if builds > 1 {
        errors.at(
            span,
            "a field is one of `param`, `buffer`, `new(...)` or `config`, not several",
        );
    }
    let only = |errors: &mut Errors, e: &Option<Expr>, key: &str, allowed: &str| {
        if let Some(e) = e {
            errors.at(e.span(), format!("`{key}` only applies to {allowed}"));
        }
    };
    if raw.param.is_none() && raw.buffer.is_none() {
        only(
            errors,
            &raw.init,
            "init",
            "`param = ...` and `buffer = ...` fields",
        );
    }
    if raw.param.is_none() {
        only(
            errors,
            &raw.requires_grad,
            "requires_grad",
            "`param = ...` fields",
        );
    }
    if raw.buffer.is_none() {
        only(errors, &raw.dtype, "dtype", "`buffer = ...` fields");
        only(errors, &raw.persistent, "persistent", "`buffer = ...` fields");
    }
    if raw.new.is_none() {
        only(
            errors,
            &raw.repeat,
            "repeat",
            "child fields built with `new(...)`",
        );
    }
    if raw.skip.is_some() {
        return FieldKind::Skip;
    }
    if raw.flatten && raw.when.is_some() {
        errors.at(
            span,
            "`flatten` applies to a plain module field, not an optional one",
        );
    }
    if let Some(c) = raw.config {
        only(
            errors,
            &raw.when,
            "when",
            "`param`, `buffer` and `new(...)` fields",
        );
        return FieldKind::Config(c);
    }
    let build = if let Some(shape) = raw.param {
        match raw.init {
            Some(init) => Some(Build::Param {
                shape,
                init,
                requires_grad: raw.requires_grad,
            }),
            None => {
                errors.at(
                    shape.span(),
                    "a `param` needs `init = ...` (for example `init = init::zeros()`)",
                );
                None
            }
        }
    } else if let Some(shape) = raw.buffer {
        match raw.init {
            Some(init) => Some(Build::Buffer {
                shape,
                init,
                dtype: raw.dtype,
                persistent: raw.persistent,
            }),
            None => {
                errors.at(
                    shape.span(),
                    "a `buffer` needs `init = ...` (for example `init = init::zeros()`)",
                );
                None
            }
        }
    } else if let Some(e) = raw.build {
        Some(Build::Custom(e))
    } else {
        raw.new.map(|(span, args)| Build::Child {
            span,
            args,
            repeat: raw.repeat,
        })
    };
    if build.is_none() {
        only(
            errors,
            &raw.when,
            "when",
            "`param`, `buffer` and `new(...)` fields",
        );
    }
    FieldKind::Part {
        build: build.map(Box::new),
        when: raw.when,
        flatten: raw.flatten,
    }
}

pub fn parse_fields(fields: &syn::Fields, errors: &mut Errors) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let raw = parse_raw_field(f, errors);
        let member = match &f.ident {
            Some(id) => syn::Member::Named(id.clone()),
            None => syn::Member::Unnamed(syn::Index::from(i)),
        };
        let default_name = match &f.ident {
            Some(id) => id.to_string().trim_start_matches("r#").to_string(),
            None => i.to_string(),
        };
        let name = raw.rename.as_ref().map(LitStr::value).unwrap_or(default_name);
        if let Some(r) = &raw.rename {
            if name.is_empty() || name.contains('.') {
                errors.at(r.span(), "a module name must be non-empty and contain no `.`");
            }
        }
        let span = f.span();
        let kind = field_kind(raw, span, errors);
        if matches!(kind, FieldKind::Part { .. }) {
            if let Some(prev) = out
                .iter()
                .find(|o| matches!(o.kind, FieldKind::Part { .. }) && o.name == name)
            {
                errors.at(
                    span,
                    format!(
                        "two parts are named `{name}` (field `{}` has that name too); rename one with `#[module(rename = \"...\")]`",
                        member_name(&prev.member)
                    ),
                );
            }
        }
        out.push(Field {
            member,
            ty: f.ty.clone(),
            name,
            span,
            kind,
        });
    }
    out
}

pub fn member_name(m: &syn::Member) -> String {
    match m {
        syn::Member::Named(id) => id.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}
