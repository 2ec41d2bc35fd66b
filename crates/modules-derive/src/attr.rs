//! The typed attribute model: `#[module(...)]` on a struct and its fields, parsed and checked
//! before any code is emitted (serde_derive's way). Every problem is collected with its span
//! and reported at once.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr, Path, Token, Type};

use crate::args::CallArgs;
pub use crate::errors::Errors;

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
    /// `validate = expr`: a `Result<()>` over the constructor's arguments, run before any field
    /// is computed.
    pub validate: Option<Expr>,
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
    /// Plain data computed from the constructor's arguments, shown in the default repr unless
    /// `skip_repr` is given.
    Config { value: Expr, shown: bool },
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
        let mut found = Errors::default();
        let r = attr.parse_nested_meta(|meta| {
            let key = key_name(&meta.path);
            let given = match key.as_str() {
                "crate" => out.krate.replace(meta.value()?.parse()?).is_some(),
                "name" => out.name.replace(meta.value()?.parse()?).is_some(),
                "extra_repr" => out.extra_repr.replace(meta.value()?.parse()?).is_some(),
                "reset" => out.reset.replace(meta.value()?.parse()?).is_some(),
                "validate" => out.validate.replace(meta.value()?.parse()?).is_some(),
                "new" => {
                    let content;
                    syn::parenthesized!(content in meta.input);
                    let decls = Punctuated::<ArgDecl, Token![,]>::parse_terminated(&content)?;
                    out.new.replace((meta.path.span(), decls.into_iter().collect())).is_some()
                }
                _ => {
                    return Err(meta.error(format!(
                        "unknown module attribute `{key}`{}; on a struct, expected one of: \
                         `new(arg: Type, ...)`, `crate = path`, `name = \"...\"`, `extra_repr = path`, `reset = path`, `validate = expr`",
                        crate::errors::did_you_mean(&key, STRUCT_KEYS)
                    )))
                }
            };
            if given {
                found.at(meta.path.span(), format!("duplicate module attribute `{key}`"));
            }
            Ok(())
        });
        if let Err(e) = found.finish() {
            errors.push(e);
        }
        if let Err(e) = r {
            errors.push(e);
        }
    }
    if let Some((_, decls)) = &out.new {
        let mut seen: Vec<String> = Vec::new();
        for d in decls {
            let n = d.name.to_string();
            if n == "device" || n == "dtype" || n == "generator" {
                errors.at(
                    d.name.span(),
                    format!(
                        "`{n}` is reserved: the device, dtype and generator are passed to every constructor automatically"
                    ),
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

/// One key of a `#[module(...)]` attribute: its value, the span of the key and that of the
/// value's last token (errors about the key cover `key = value`). Setting it a second time is
/// an error at the second occurrence (serde_derive's `Attr`).
pub struct Attr<T> {
    key: &'static str,
    value: Option<(Span, T)>,
    end: Option<Span>,
}

impl<T> Attr<T> {
    fn new(key: &'static str) -> Self {
        Attr {
            key,
            value: None,
            end: None,
        }
    }

    /// `end`: the span of the value's last token (the key's own for a flag).
    fn set(&mut self, errors: &mut Errors, span: Span, end: Span, value: T) {
        if self.value.is_some() {
            errors.range(span, end, format!("duplicate module attribute `{}`", self.key));
        } else {
            self.value = Some((span, value));
            self.end = Some(end);
        }
    }

    /// Where `key = value` starts and ends.
    pub fn range(&self) -> Option<(Span, Span)> {
        Some((self.span()?, self.end?))
    }

    pub fn key(&self) -> &'static str {
        self.key
    }

    /// Where the key was written.
    pub fn span(&self) -> Option<Span> {
        self.value.as_ref().map(|(s, _)| *s)
    }

    pub fn is_set(&self) -> bool {
        self.value.is_some()
    }

    pub fn take(self) -> Option<T> {
        self.value.map(|(_, v)| v)
    }

    pub fn take_spanned(self) -> Option<(Span, T)> {
        self.value
    }
}

/// Every key of one field's `#[module(...)]` attributes, before their combination is checked.
pub struct RawField {
    pub skip: Attr<()>,
    pub rename: Attr<LitStr>,
    pub config: Attr<Expr>,
    pub param: Attr<Expr>,
    pub buffer: Attr<Expr>,
    pub init: Attr<Expr>,
    pub requires_grad: Attr<Expr>,
    pub dtype: Attr<Expr>,
    pub persistent: Attr<Expr>,
    pub new: Attr<CallArgs>,
    pub build: Attr<Expr>,
    pub flatten: Attr<()>,
    pub repeat: Attr<Expr>,
    pub when: Attr<Expr>,
    pub skip_repr: Attr<()>,
}

impl Default for RawField {
    fn default() -> Self {
        RawField {
            skip: Attr::new("skip"),
            rename: Attr::new("rename"),
            config: Attr::new("config"),
            param: Attr::new("param"),
            buffer: Attr::new("buffer"),
            init: Attr::new("init"),
            requires_grad: Attr::new("requires_grad"),
            dtype: Attr::new("dtype"),
            persistent: Attr::new("persistent"),
            new: Attr::new("new"),
            build: Attr::new("build"),
            flatten: Attr::new("flatten"),
            repeat: Attr::new("repeat"),
            when: Attr::new("when"),
            skip_repr: Attr::new("skip_repr"),
        }
    }
}

const STRUCT_KEYS: &[&str] = &["new", "crate", "name", "extra_repr", "reset", "validate"];

const FIELD_KEY_NAMES: &[&str] = &[
    "param",
    "buffer",
    "init",
    "new",
    "repeat",
    "when",
    "build",
    "flatten",
    "config",
    "skip_repr",
    "skip",
    "rename",
    "persistent",
    "requires_grad",
    "dtype",
];

const FIELD_KEYS: &str = "`param = [dims]`, `buffer = [dims]`, `init = expr`, `new(args...)`, `repeat = n`, \
`when = cond`, `build = |options| expr`, `flatten`, `config = expr`, `skip_repr`, `skip`, `rename = \"name\"`, `persistent = false`, `requires_grad = false`, \
`dtype = DType::...`";

fn parse_raw_field(field: &syn::Field, errors: &mut Errors) -> RawField {
    let mut raw = RawField::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("module")) {
        let mut found = Errors::default();
        let r = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let e = &mut found;
            let expr = |meta: &syn::meta::ParseNestedMeta| -> syn::Result<Expr> { meta.value()?.parse() };
            match key_name(&meta.path).as_str() {
                "skip" => raw.skip.set(e, span, span, ()),
                "flatten" => raw.flatten.set(e, span, span, ()),
                "skip_repr" => raw.skip_repr.set(e, span, span, ()),
                "rename" => {
                    let name: LitStr = meta.value()?.parse()?;
                    raw.rename.set(e, span, name.span(), name)
                }
                "config" => {
                    let value = expr(&meta)?;
                    raw.config.set(e, span, last_span(&value), value)
                }
                "param" => {
                    let value = expr(&meta)?;
                    raw.param.set(e, span, last_span(&value), value)
                }
                "buffer" => {
                    let value = expr(&meta)?;
                    raw.buffer.set(e, span, last_span(&value), value)
                }
                "init" => {
                    let value = expr(&meta)?;
                    raw.init.set(e, span, last_span(&value), value)
                }
                "requires_grad" => {
                    let value = expr(&meta)?;
                    raw.requires_grad.set(e, span, last_span(&value), value)
                }
                "dtype" => {
                    let value = expr(&meta)?;
                    raw.dtype.set(e, span, last_span(&value), value)
                }
                "persistent" => {
                    let value = expr(&meta)?;
                    raw.persistent.set(e, span, last_span(&value), value)
                }
                "repeat" => {
                    let value = expr(&meta)?;
                    raw.repeat.set(e, span, last_span(&value), value)
                }
                "build" => {
                    let value = expr(&meta)?;
                    raw.build.set(e, span, last_span(&value), value)
                }
                "when" => {
                    let value = expr(&meta)?;
                    raw.when.set(e, span, last_span(&value), value)
                }
                "new" => {
                    let content;
                    let paren = syn::parenthesized!(content in meta.input);
                    let mut args: CallArgs = content.parse()?;
                    args.reject_reserved();
                    // Reported with the derive's other errors, in the one context.
                    e.append(std::mem::take(&mut args.errors));
                    raw.new.set(e, span, paren.span.close(), args);
                }
                other => {
                    return Err(meta.error(format!(
                        "unknown module attribute `{other}`{}; on a field, expected one of: {FIELD_KEYS}",
                        crate::errors::did_you_mean(other, FIELD_KEY_NAMES)
                    )))
                }
            }
            Ok(())
        });
        if let Err(e) = found.finish() {
            errors.push(e);
        }
        if let Err(e) = r {
            errors.push(e);
        }
    }
    raw
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
        let rename = raw.rename.value.as_ref().map(|(_, r)| r.clone());
        let rename_at = raw.rename.range();
        let name = rename.as_ref().map(LitStr::value).unwrap_or(default_name);
        if let Some(r) = &rename {
            if name.is_empty() || name.contains('.') {
                errors.at(r.span(), "a module name must be non-empty and contain no `.`");
            }
        }
        let span = f.span();
        // A name clash is the field's name, or its `rename = "..."` when it has one.
        let (name_first, name_last) = rename_at.unwrap_or_else(|| {
            let at = f.ident.as_ref().map_or(span, |id| id.span());
            (at, at)
        });
        let kind = crate::check::field_kind(raw, &f.ty, errors);
        if matches!(kind, FieldKind::Part { .. }) {
            if let Some(prev) = out
                .iter()
                .find(|o| matches!(o.kind, FieldKind::Part { .. }) && o.name == name)
            {
                errors.range(
                    name_first,
                    name_last,
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

/// The span of an expression's last token (a group's closing delimiter).
fn last_span(e: &Expr) -> Span {
    quote::ToTokens::to_token_stream(e)
        .into_iter()
        .last()
        .map_or_else(|| e.span(), |t| t.span())
}

pub fn member_name(m: &syn::Member) -> String {
    match m {
        syn::Member::Named(id) => id.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}
