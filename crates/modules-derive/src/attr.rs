//! The typed attribute model: `#[module(...)]` on a struct and its fields, parsed and checked
//! before any code is emitted (serde_derive's way). Every problem is collected with its span
//! and reported at once.

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, LitStr, Path, Token};

use crate::args::CallArgs;
pub use crate::errors::Errors;
use crate::keys::{Given, RawField, Takes, Value, FIELD_KEYS};
pub use crate::model::{member_name, ArgDecl, Build, Field, FieldKind};

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

const STRUCT_KEYS: &[&str] = &["new", "crate", "name", "extra_repr", "reset", "validate"];

/// The span of an expression's last token (a group's closing delimiter).
fn last_span(e: &Expr) -> Span {
    quote::ToTokens::to_token_stream(e)
        .into_iter()
        .last()
        .map_or_else(|| e.span(), |t| t.span())
}

/// One `key`, `key = value` or `new(...)` of a field's attribute, parsed as the table says.
fn parse_key(meta: &syn::meta::ParseNestedMeta, takes: Takes, errors: &mut Errors) -> syn::Result<Given> {
    let first = meta.path.span();
    let (last, value) = match takes {
        Takes::Flag => (first, Value::Flag),
        Takes::Expr => {
            let e: Expr = meta.value()?.parse()?;
            (last_span(&e), Value::Expr(e))
        }
        Takes::Name => {
            let name: LitStr = meta.value()?.parse()?;
            (name.span(), Value::Name(name))
        }
        Takes::Args => {
            let content;
            let paren = syn::parenthesized!(content in meta.input);
            let mut args: CallArgs = content.parse()?;
            args.reject_reserved();
            // Reported with the derive's other errors, in the one context.
            errors.append(std::mem::take(&mut args.errors));
            (paren.span.close(), Value::Args(args))
        }
    };
    Ok(Given { first, last, value })
}

fn parse_raw_field(field: &syn::Field, errors: &mut Errors) -> RawField {
    let mut raw = RawField::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("module")) {
        let mut found = Errors::default();
        let r = attr.parse_nested_meta(|meta| {
            let name = key_name(&meta.path);
            let Some(i) = FIELD_KEYS.iter().position(|k| k.name == name) else {
                let names: Vec<&str> = FIELD_KEYS.iter().map(|k| k.name).collect();
                let forms: Vec<String> = FIELD_KEYS.iter().map(|k| format!("`{}`", k.form)).collect();
                return Err(meta.error(format!(
                    "unknown module attribute `{name}`{}; on a field, expected one of: {}",
                    crate::errors::did_you_mean(&name, &names),
                    forms.join(", ")
                )));
            };
            let given = parse_key(&meta, FIELD_KEYS[i].takes, &mut found)?;
            let (first, last) = (given.first, given.last);
            if !raw.set(i, given) {
                found.range(first, last, format!("duplicate module attribute `{name}`"));
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
        let rename_at = raw.range("rename");
        let rename = match raw.get("rename") {
            Some(Given {
                value: Value::Name(r),
                ..
            }) => Some(r.clone()),
            _ => None,
        };
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
