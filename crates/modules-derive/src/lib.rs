//! Procedural macros of `modules`: `#[derive(Module)]` and `skip_init!` / `new!`.
//!
//! The derive parses `#[module(...)]` attributes into a typed model first (`attr`), reporting
//! every misuse at once with its span, then emits code (`emit_module`, `emit_new`). Generated
//! code names the runtime by absolute path (`::modules`), overridable with
//! `#[module(crate = path)]`. Use these macros through the `modules` crate.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod args;
mod attr;
mod check;
mod emit_diagnostics;
mod emit_module;
mod emit_new;
mod emit_typestate;
mod errors;
mod invoke;
mod keys;
mod model;
mod names;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `Module` (and `Display`) for a struct; with `#[module(new(...))]`, also its
/// device-aware constructor and `SupportsDevice`. See the `modules` crate for the attributes.
#[proc_macro_derive(Module, attributes(module))]
pub fn derive_module(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(|(e, krate)| {
            let mut out = e.into_compile_error();
            out.extend(emit_module::fallback(
                &input,
                &krate.unwrap_or_else(|| syn::parse_quote!(::modules)),
            ));
            out
        })
        .into()
}

/// On error: the errors, and the runtime's path if the struct named one.
type Failure = (syn::Error, Option<syn::Path>);

fn expand(input: &DeriveInput) -> Result<proc_macro2::TokenStream, Failure> {
    let mut errors = attr::Errors::default();
    let fields = match &input.data {
        syn::Data::Struct(s) => &s.fields,
        syn::Data::Enum(e) => {
            return Err((
                syn::Error::new(
                    e.enum_token.span,
                    "#[derive(Module)] needs a struct: a module is a fixed set of named parts, not one of several variants",
                ),
                None,
            ))
        }
        syn::Data::Union(u) => {
            return Err((
                syn::Error::new(u.union_token.span, "#[derive(Module)] needs a struct, not a union"),
                None,
            ))
        }
    };
    let attrs = attr::parse_struct_attrs(&input.attrs, &mut errors);
    let fields = attr::parse_fields(fields, &mut errors);
    if attrs.new.is_some() {
        check::constructors(&fields, &mut errors);
    } else if let Some(v) = &attrs.validate {
        errors.at(
            syn::spanned::Spanned::span(v),
            "`validate` runs in the generated constructor: declare one with `new(arg: Type, ...)`",
        );
    }
    errors.finish().map_err(|e| (e, attrs.krate.clone()))?;
    let krate: syn::Path = attrs
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::modules));
    let mut out = emit_module::emit(input, &attrs, &fields, &krate);
    if let Some((_, decls)) = &attrs.new {
        out.extend(emit_new::emit(
            input,
            decls,
            &fields,
            attrs.validate.as_ref(),
            &krate,
        ));
    }
    Ok(out)
}

/// `skip_init!(Type, positional..., keyword = value..., device = d, dtype = t)`: builds on
/// meta, then allocates on `device` (default cpu) without initializing. See `modules::skip_init!`.
#[proc_macro]
pub fn skip_init(input: TokenStream) -> TokenStream {
    invoke::expand(input.into(), invoke::Kind::SkipInit).into()
}

/// `new!(Type, positional..., keyword = value..., device = d, dtype = t)`: the initialized
/// counterpart of `skip_init!`. See `modules::new!`.
#[proc_macro]
pub fn new(input: TokenStream) -> TokenStream {
    invoke::expand(input.into(), invoke::Kind::New).into()
}

/// `layer!(Type, positional..., keyword = value...)`: a container's builder for `Type`, with
/// `new!`'s grammar and errors. See `modules::layer!`.
#[proc_macro]
pub fn layer(input: TokenStream) -> TokenStream {
    invoke::expand(input.into(), invoke::Kind::Layer).into()
}
