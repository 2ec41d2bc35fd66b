//! The validation pass: which combinations of keys make sense on one field. Parsing (`attr`)
//! only records what was written and where; every error here points at the offending key.

use proc_macro2::Span;
use syn::Type;

use crate::errors::Errors;
use crate::keys::{shown, Given, RawField, Value};
use crate::model::{member_name, Build, Field, FieldKind};

/// Whether the field's type is a `Parameter` or `Buffer` (or an `Option` of one): a tensor,
/// which has no members to flatten.
fn is_tensor(ty: &Type) -> Option<&'static str> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    match last.ident.to_string().as_str() {
        "Parameter" => Some("Parameter"),
        "Buffer" => Some("Buffer"),
        "Option" => match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|arg| match arg {
                syn::GenericArgument::Type(t) => is_tensor(t),
                _ => None,
            }),
            _ => None,
        },
        _ => None,
    }
}

/// The last path segment of a type, and its first generic type argument: `Option<Linear>`.
fn outer(ty: &Type) -> Option<(String, Option<&Type>)> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let arg = match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    };
    Some((last.ident.to_string(), arg))
}

fn type_name(ty: &Type) -> String {
    quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace("< ", "<")
}

/// `when` needs an `Option` field and `repeat` a `Vec` one: checked on the written type, so the
/// mistake is one error here instead of trait errors in generated code. (A type alias for an
/// `Option` or `Vec` must be written out.)
fn container(errors: &mut Errors, at: Option<(Span, Span)>, key: &str, ty: &Type, want: &str, what: &str) {
    if let Some((first, last)) = at {
        if outer(ty).map(|(name, _)| name) != Some(want.to_string()) {
            errors.range(
                first,
                last,
                format!(
                    "`{key}` needs {} `{want}<...>` field ({what}), found `{}`",
                    if want.starts_with('O') { "an" } else { "a" },
                    type_name(ty)
                ),
            );
        }
    }
}

/// With `new(...)` on the struct, every part must say how it is built.
pub fn constructors(fields: &[Field], errors: &mut Errors) {
    for f in fields {
        if let FieldKind::Part { build: None, .. } = f.kind {
            let at = match &f.member {
                syn::Member::Named(id) => id.span(),
                syn::Member::Unnamed(i) => i.span,
            };
            errors.at(
                at,
                format!(
                    "field `{}` has no constructor declaration: add `param = [dims], init = ...`, \
                     `buffer = [dims], init = ...`, `new(args...)`, `build = |options| ...`, `config = expr` or `skip`",
                    member_name(&f.member)
                ),
            );
        }
    }
}

/// Checks the combination of keys on one field and turns it into a [`FieldKind`].
pub fn field_kind(mut raw: RawField, ty: &Type, errors: &mut Errors) -> FieldKind {
    let before = errors.count();
    combinations(&raw, errors);
    if raw.is_set("skip") {
        return FieldKind::Skip;
    }
    types(&raw, ty, errors);
    match kind(&mut raw, errors) {
        // A field with an error becomes `Skip`, so nothing more is said about it.
        Some(kind) if errors.count() == before => kind,
        _ => FieldKind::Skip,
    }
}

/// The table's rules: keys that cannot stand together (reported at the later one in the
/// table), and keys that need another beside them.
fn combinations(raw: &RawField, errors: &mut Errors) {
    let given: Vec<_> = raw.given().collect();
    for (i, (key, at)) in given.iter().enumerate() {
        let earlier = given[..i].iter().find(|(e, _)| e.excludes.contains(&key.name));
        if let Some((e, _)) = earlier {
            errors.range(
                at.first,
                at.last,
                format!(
                    "`{}` cannot be combined with `{}`: {}",
                    shown(key.name),
                    shown(e.name),
                    e.why
                ),
            );
        } else if !key.needs.is_empty() && !key.needs.iter().any(|n| raw.is_set(n)) {
            errors.range(
                at.first,
                at.last,
                format!("`{}` only applies to {}", key.name, key.applies_to),
            );
        }
    }
}

/// The rules on the field's written type: `when` needs an `Option`, `repeat` a `Vec`, and
/// `flatten` a plain child module.
fn types(raw: &RawField, ty: &Type, errors: &mut Errors) {
    container(
        errors,
        raw.range("when"),
        "when",
        ty,
        "Option",
        "present when the condition holds",
    );
    container(
        errors,
        raw.range("repeat"),
        "repeat",
        ty,
        "Vec",
        "one child per repetition",
    );
    if let Some((first, last)) = raw.range("flatten") {
        if raw.is_set("when") {
            errors.range(
                first,
                last,
                "`flatten` applies to a plain module field, not an optional one",
            );
        } else if let Some(tensor) = is_tensor(ty) {
            errors.range(
                first,
                last,
                format!("`flatten` applies to a child module; a `{tensor}` is one tensor, with no members to flatten"),
            );
        }
    }
}

/// What the validated keys make of the field; `None` after reporting a `param` or `buffer`
/// without `init`.
fn kind(raw: &mut RawField, errors: &mut Errors) -> Option<FieldKind> {
    if let Some(value) = raw.expr("config") {
        let shown = !raw.is_set("skip_repr");
        return Some(FieldKind::Config { value, shown });
    }
    let flatten = raw.is_set("flatten");
    let when = raw.expr("when");
    let init = raw.expr("init");
    let needs_init = |errors: &mut Errors, (first, last): (Span, Span), key: &str| {
        let message = format!("a `{key}` needs `init = ...` (for example `init = init::zeros()`)");
        errors.range(first, last, message);
    };
    let build = if let Some(at) = raw.range("param") {
        let shape = raw.expr("param")?;
        let Some(init) = init else {
            needs_init(errors, at, "param");
            return None;
        };
        let requires_grad = raw.expr("requires_grad");
        Some(Build::Param {
            shape,
            init,
            requires_grad,
        })
    } else if let Some(at) = raw.range("buffer") {
        let shape = raw.expr("buffer")?;
        let Some(init) = init else {
            needs_init(errors, at, "buffer");
            return None;
        };
        let (dtype, persistent) = (raw.expr("dtype"), raw.expr("persistent"));
        Some(Build::Buffer {
            shape,
            init,
            dtype,
            persistent,
        })
    } else if let Some(e) = raw.expr("build") {
        Some(Build::Custom(e))
    } else if let Some(Given {
        first,
        value: Value::Args(args),
        ..
    }) = raw.take("new")
    {
        let repeat = raw.expr("repeat");
        Some(Build::Child {
            span: first,
            args,
            repeat,
        })
    } else {
        None
    };
    Some(FieldKind::Part {
        build: build.map(Box::new),
        when,
        flatten,
    })
}
