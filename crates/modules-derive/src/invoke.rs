//! `skip_init!(Type, args...)`, `new!(Type, args...)` and `layer!(Type, args...)`: one parser
//! (`args.rs`), one set of errors.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Token, Type};

use crate::args::CallArgs;

pub enum Kind {
    SkipInit,
    New,
    /// A container's `ModuleBuilder`: built later, on the container's device and dtype.
    Layer,
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
    if let Kind::Layer = kind {
        for (k, _) in [&device, &dtype, &generator].into_iter().flatten() {
            inv.args.errors.at(
                k.span(),
                format!("`layer!` builds on the container's device and dtype, and draws from its generator: give `{k}` to the container's `skip_init!`/`new!`"),
            );
        }
    }
    if let Some(errors) = inv.args.compile_errors() {
        return errors;
    }
    let ty = &inv.ty;
    let checked = crate::args::names_a_concrete_type(ty).then_some(ty as &dyn quote::ToTokens);
    let closure = inv.args.builder_closure(&krate, checked, ty.span());
    let mut options = quote!(#krate::TensorOptions::new());
    if let Some((_, d)) = device {
        options = quote!(#options.device(#d));
    }
    if let Some((_, d)) = dtype {
        options = quote!(#options.dtype(#d));
    }
    let f = match kind {
        Kind::SkipInit => quote!(skip_init_with),
        Kind::New | Kind::Layer => quote!(new_with),
    };
    // The call's first and last tokens carry the type's span, so that a type without
    // `SupportsDevice` is underlined at the type, not across the whole macro (the arguments
    // inside keep their own spans).
    let at_ty: syn::Path = syn::parse_quote_spanned!(ty.span()=> ::modules);
    let function = quote_spanned!(ty.span()=> #at_ty::__private_0_1::#f::<#ty, _>);
    if let Kind::Layer = kind {
        let build = quote_spanned!(ty.span()=> #function(#closure, *__options));
        return quote!(
            ::std::boxed::Box::new(
                move |__options: &#krate::TensorOptions| -> #krate::Result<::std::boxed::Box<dyn #krate::Module>> {
                    let __m: #ty = #build?;
                    ::std::result::Result::Ok(::std::boxed::Box::new(__m))
                },
            ) as #krate::nn::ModuleBuilder
        );
    }
    let call = quote_spanned!(ty.span()=> #function(#closure, #options));
    match generator {
        // The generator stands in for the default one on this thread while the module is built.
        Some((k, g)) => quote_spanned!(k.span()=> #krate::rng::with_generator(#g, || #call)),
        None => call,
    }
}
