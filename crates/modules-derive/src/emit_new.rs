//! What `#[module(new(...))]` generates: the arguments struct, a typestate argument builder
//! (positional and keyword setters, checked at compile time), the declarative constructor,
//! `new`, and `impl SupportsDevice`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Path};

use crate::attr::{ArgDecl, Build, Field, FieldKind};

pub fn emit(
    input: &DeriveInput,
    decls: &[ArgDecl],
    fields: &[Field],
    validate: Option<&syn::Expr>,
    krate: &Path,
) -> TokenStream {
    let ident = &input.ident;
    let vis = &input.vis;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let args_ty = format_ident!("{}Args", ident);
    let builder_ty = format_ident!("{}ArgsBuilder", ident);
    let names_mod = format_ident!("__{}_args", ident);
    let p = quote!(#krate::__private_0_1);

    let names: Vec<&Ident> = decls.iter().map(|d| &d.name).collect();
    let tys: Vec<&syn::Type> = decls.iter().map(|d| &d.ty).collect();
    let slots: Vec<Ident> = (0..decls.len()).map(|i| format_ident!("__A{}", i)).collect();
    let n = decls.len();

    // The slot list with slot `i` replaced, and the builder value with slot `i` set to `value`.
    let slots_with = |i: usize, replacement: TokenStream| -> Vec<TokenStream> {
        slots
            .iter()
            .enumerate()
            .map(|(j, s)| if j == i { replacement.clone() } else { quote!(#s) })
            .collect()
    };
    let builder_with_value = |i: usize| {
        let moves = names.iter().enumerate().map(|(j, nm)| {
            if j == i {
                quote!(#nm: #p::Set(value))
            } else {
                quote!(#nm: self.#nm)
            }
        });
        quote!(#builder_ty { __position: ::std::marker::PhantomData, #(#moves),* })
    };

    // One `Positional` impl per position: argument i, with the other slots free.
    let positional = (0..n).map(|i| {
        let ty = tys[i];
        let free = slots.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, s)| s);
        let before = slots_with(i, quote!(#p::Unset));
        let after = slots_with(i, quote!(#p::Set<#ty>));
        let value = builder_with_value(i);
        let next = i + 1;
        quote! {
            impl<#(#free),*> #p::Positional for #builder_ty<#p::Pos<#i>, #(#before),*> {
                type Value = #ty;
                type Next = #builder_ty<#p::Pos<#next>, #(#after),*>;
                fn push(self, value: #ty) -> Self::Next {
                    #value
                }
            }
        }
    });

    // The position after the last: values there are one positional too many.
    let overflow = quote! {
        impl<#(#slots),*> #p::Positional for #builder_ty<#p::Pos<#n>, #(#slots),*> {
            type Value = #p::TooManyPositionalArguments;
            type Next = Self;
            fn push(self, value: Self::Value) -> Self {
                match value {}
            }
        }
    };

    let keyword_setters = (0..n).map(|i| {
        let (name, ty, slot) = (names[i], tys[i], &slots[i]);
        let after = slots_with(i, quote!(#p::Set<#ty>));
        let value = builder_with_value(i);
        let doc = format!("Sets `{name}`.");
        let unset = format_ident!("{}_unset", name);
        quote! {
            #[doc = #doc]
            pub fn #name<__V: #krate::IntoArg<#ty>>(self, value: __V) -> #builder_ty<__P, #(#after),*>
            where
                #slot: #names_mod::#unset,
            {
                let value: #ty = #krate::IntoArg::into_arg(value);
                #value
            }
        }
    });

    let finish_bounds = decls.iter().zip(&slots).map(|(d, s)| {
        let (name, ty) = (&d.name, &d.ty);
        if d.default.is_some() {
            quote!(#s: #p::Slot<#ty>)
        } else {
            let set = format_ident!("{}_set", name);
            quote!(#s: #names_mod::#set<#ty>)
        }
    });
    let finish_values = decls.iter().map(|d| {
        let name = &d.name;
        match &d.default {
            // The default is checked against the declared type on its own, at its span: a
            // wrong type is "expected `bool`, found integer" there, not a `match` arm error.
            Some(default) => {
                let ty = &d.ty;
                let checked = quote_spanned!(default.span()=> { let __default: #ty = #default; __default });
                quote! {
                    let #name = match #p::Slot::into_option(self.#name) {
                        ::std::option::Option::Some(v) => v,
                        ::std::option::Option::None => #checked,
                    };
                }
            }
            None => {
                let set = format_ident!("{}_set", name);
                quote!(let #name = #names_mod::#set::value(self.#name);)
            }
        }
    });

    let unset: Vec<TokenStream> = slots.iter().map(|_| quote!(#p::Unset)).collect();
    let empty_builder = quote!(#builder_ty<#p::Pos<0>, #(#unset),*>);
    let empty_value = quote!(#builder_ty { __position: ::std::marker::PhantomData, #(#names: #p::Unset),* });

    let required: Vec<&ArgDecl> = decls.iter().filter(|d| d.default.is_none()).collect();
    let req_names: Vec<&Ident> = required.iter().map(|d| &d.name).collect();
    let req_tys: Vec<&syn::Type> = required.iter().map(|d| &d.ty).collect();

    let construct = emit_construct(fields, validate, krate);
    // A `build = ...` part runs code the derive cannot see: let skip_init check its result.
    let declarative = !fields.iter().any(
        |f| matches!(&f.kind, FieldKind::Part { build: Some(b), .. } if matches!(**b, Build::Custom(_))),
    );
    let diagnostics = decls.iter().map(|d| {
        let name = &d.name;
        let set = format_ident!("{}_set", name);
        let unset = format_ident!("{}_unset", name);
        let twice = format!("argument `{name}` of `{ident}` is given twice");
        let missing = format!("missing required argument `{name}` of `{ident}`");
        let missing_note = format!("pass it positionally or as `{name} = value`");
        quote! {
            #[diagnostic::on_unimplemented(
                message = #twice,
                label = "already given, positionally or by keyword",
                note = "remove one of the two"
            )]
            pub trait #unset {}
            impl #unset for #p::Unset {}

            #[diagnostic::on_unimplemented(message = #missing, label = "`finish` needs it", note = #missing_note)]
            pub trait #set<T> {
                fn value(self) -> T;
            }
            impl<T> #set<T> for #p::Set<T> {
                fn value(self) -> T {
                    self.0
                }
            }
        }
    });
    let arg_docs = decls
        .iter()
        .map(|d| format!("Constructor argument `{}`.", d.name));
    let args_doc = format!("The arguments of [`{ident}`]'s constructor, resolved (defaults filled in).");
    let builder_doc = format!(
        "Builds [`{args_ty}`] one argument at a time; `skip_init!` and child declarations use it. \
         Which arguments are set is tracked in the type, so a missing, repeated or unknown argument \
         is a compile error."
    );
    let new_doc = format!(
        "A new `{ident}` on the device and dtype of `options`, initialized as declared. Required \
         arguments in order; the others take their defaults (use `{ident}::args()` or `new!` to set them)."
    );

    quote! {
        #[doc = #args_doc]
        #[derive(Clone, Debug)]
        #vis struct #args_ty {
            #( #[doc = #arg_docs] pub #names: #tys, )*
        }

        #[doc(hidden)]
        #[allow(non_camel_case_types, non_snake_case, dead_code)]
        #vis mod #names_mod {
            #(#diagnostics)*
        }

        #[doc = #builder_doc]
        #[must_use = "call `.finish()` to get the arguments"]
        #vis struct #builder_ty<__P, #(#slots),*> {
            __position: ::std::marker::PhantomData<__P>,
            #( #names: #slots, )*
        }

        #(#positional)*
        #overflow

        impl<__P, #(#slots),*> #builder_ty<__P, #(#slots),*> {
            #(#keyword_setters)*

            /// The arguments, with defaults for those not given.
            pub fn finish(self) -> #args_ty
            where
                #(#finish_bounds,)*
            {
                #(#finish_values)*
                #args_ty { #(#names),* }
            }
        }

        impl #impl_generics #ident #ty_generics #where_clause {
            #[doc = #new_doc]
            #[allow(clippy::new_ret_no_self, clippy::too_many_arguments)]
            pub fn new(
                #(#req_names: impl #krate::IntoArg<#req_tys>,)*
                options: impl ::std::convert::Into<#krate::TensorOptions>,
            ) -> #krate::Result<Self> {
                let args = Self::args()#(.#req_names(#req_names))*.finish();
                <Self as #krate::SupportsDevice>::construct(args, &options.into())
            }

            /// The argument builder, nothing set yet.
            pub fn args() -> #empty_builder {
                #empty_value
            }
        }

        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl #impl_generics #krate::SupportsDevice for #ident #ty_generics #where_clause {
            type Args = #args_ty;
            type Builder = #empty_builder;
            const DECLARATIVE: bool = #declarative;

            fn args() -> Self::Builder {
                #empty_value
            }

            #[allow(unused_variables, clippy::redundant_locals)]
            fn construct(__args: #args_ty, __options: &#krate::TensorOptions) -> #krate::Result<Self> {
                let #args_ty { #(#names),* } = __args;
                #construct
            }
        }
    }
}

/// The constructor body: `validate` on the arguments, then each field in declaration order
/// (the order inits consume the generator, which `reset_parameters` follows too). Nothing is
/// allocated before validation passes.
///
/// A `config` field's value is a local named after the field, so later fields read it in
/// place of the argument of that name (a resolved `padding_idx`, a defaulted `kdim`). Parts
/// stay anonymous: PyTorch names children after arguments (`dropout`, a `Dropout` built from
/// the `dropout` probability), and later fields still mean the argument.
fn emit_construct(fields: &[Field], validate: Option<&syn::Expr>, krate: &Path) -> TokenStream {
    let local = |i: usize, f: &Field| match (&f.member, &f.kind) {
        (syn::Member::Named(id), FieldKind::Config { .. }) => id.clone(),
        _ => format_ident!("__field{}", i),
    };
    let lets = fields.iter().enumerate().map(|(i, f)| {
        let var = local(i, f);
        let value = match &f.kind {
            FieldKind::Skip => quote!(::std::default::Default::default()),
            FieldKind::Config { value, .. } => quote!(#value),
            // Rejected by `check::constructors` before anything is emitted.
            FieldKind::Part { build: None, .. } => quote!(::std::unreachable!()),
            FieldKind::Part {
                build: Some(build),
                when,
                ..
            } => {
                let built = emit_build(build, &f.ty, when.is_some(), krate);
                match when {
                    Some(cond) => {
                        quote!(if #cond { ::std::option::Option::Some(#built) } else { ::std::option::Option::None })
                    }
                    None => built,
                }
            }
        };
        quote!(let #var = #value;)
    });
    let p = quote!(#krate::__private_0_1);
    let check = validate.map(|v| quote_spanned!(v.span()=> #p::validate(#v)?;));
    let inits = fields.iter().enumerate().map(|(i, f)| {
        let (member, var) = (&f.member, local(i, f));
        quote!(#member: #var)
    });
    quote! {
        #check
        #(#lets)*
        ::std::result::Result::Ok(Self { #(#inits),* })
    }
}

fn emit_build(build: &Build, field_ty: &syn::Type, optional: bool, krate: &Path) -> TokenStream {
    let p = quote!(#krate::__private_0_1);
    match build {
        Build::Param {
            shape,
            init,
            requires_grad,
        } => {
            let rg = requires_grad.as_ref().map_or(quote!(true), |e| quote!(#e));
            quote_spanned!(shape.span()=> #p::parameter(__options, #shape, #init, #rg)?)
        }
        Build::Buffer {
            shape,
            init,
            dtype,
            persistent,
        } => {
            let dt = dtype.as_ref().map_or(
                quote!(::std::option::Option::None),
                |e| quote!(::std::option::Option::Some(#e)),
            );
            let persistent = persistent.as_ref().map_or(quote!(true), |e| quote!(#e));
            quote_spanned!(shape.span()=> #p::buffer(__options, #shape, #init, #dt, #persistent)?)
        }
        Build::Custom(f) => quote_spanned!(f.span()=> #p::build_part(#f, __options)?),
        Build::Child { span, args, repeat } => {
            let mut elem = quote!(#field_ty);
            if optional {
                elem = quote!(<#elem as #p::OptionField>::Inner);
            }
            if repeat.is_some() {
                elem = quote!(<#elem as #p::VecField>::Inner);
            }
            if let Some(errors) = args.compile_errors() {
                return errors;
            }
            let closure = args.builder_closure(krate, *span);
            let one = quote_spanned!(*span=> #p::child::<#elem, _>(#closure, __options)?);
            match repeat {
                None => one,
                Some(n) => quote!({
                    let __n: usize = #n;
                    let mut __items = ::std::vec::Vec::with_capacity(__n);
                    for _ in 0..__n {
                        __items.push(#one);
                    }
                    __items
                }),
            }
        }
    }
}
