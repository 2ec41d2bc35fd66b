//! `skip_init!(Type, args...)` and `new!(Type, args...)`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Token, Type};

use crate::args::CallArgs;

pub enum Kind {
    SkipInit,
    New,
}

struct Invocation {
    ty: Type,
    args: CallArgs,
}

impl Parse for Invocation {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let ty: Type = input.parse()?;
        let args = if input.is_empty() {
            CallArgs::default()
        } else {
            input.parse::<Token![,]>()?;
            input.parse()?
        };
        Ok(Invocation { ty, args })
    }
}

pub fn expand(input: TokenStream, kind: Kind) -> TokenStream {
    let mut inv: Invocation = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.into_compile_error(),
    };
    let krate: syn::Path = syn::parse_quote!(::modules);
    let [device, dtype, generator] = inv.args.take_reserved();
    if let (Kind::SkipInit, Some((k, _))) = (&kind, &generator) {
        inv.args.errors.at(
            k.span(),
            "`skip_init!` draws no random numbers; pass `generator = ...` to `new!`, or to \
             `reset_parameters_with` after `skip_init!`",
        );
    }
    if let Some(errors) = inv.args.compile_errors() {
        return errors;
    }
    let ty = &inv.ty;
    let closure = inv.args.builder_closure(&krate, ty.span());
    let mut options = quote!(#krate::TensorOptions::new());
    if let Some((_, d)) = device {
        options = quote!(#options.device(#d));
    }
    if let Some((_, d)) = dtype {
        options = quote!(#options.dtype(#d));
    }
    let f = match kind {
        Kind::SkipInit => quote!(skip_init_with),
        Kind::New => quote!(new_with),
    };
    // The call's first and last tokens carry the type's span, so that a type without
    // `SupportsDevice` is underlined at the type, not across the whole macro (the arguments
    // inside keep their own spans).
    let at_ty: syn::Path = syn::parse_quote_spanned!(ty.span()=> ::modules);
    let function = quote_spanned!(ty.span()=> #at_ty::__private_0_1::#f::<#ty, _>);
    let call = quote_spanned!(ty.span()=> #function(#closure, #options));
    match generator {
        // The generator stands in for the default one on this thread while the module is built.
        Some((k, g)) => quote_spanned!(k.span()=> #krate::rng::with_generator(#g, || #call)),
        None => call,
    }
}
