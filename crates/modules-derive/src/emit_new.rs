//! What `#[module(new(...))]` generates: the arguments struct and its typestate builder
//! (`emit_typestate`), the traits that word its compile errors (`emit_diagnostics`), and here
//! the constructor: `new`, `args()`, and `impl SupportsDevice` with the declarative body.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Path};

use crate::args::names_a_concrete_type;
use crate::attr::{ArgDecl, Build, Field, FieldKind};
use crate::names::Names;
use crate::{emit_diagnostics, emit_typestate};

pub fn emit(
    input: &DeriveInput,
    decls: &[ArgDecl],
    fields: &[Field],
    validate: Option<&syn::Expr>,
    krate: &Path,
) -> TokenStream {
    let ident = &input.ident;
    let names = Names {
        ident,
        krate,
        decls,
        args_ty: format_ident!("{}Args", ident),
        builder_ty: format_ident!("{}ArgsBuilder", ident),
        names_mod: format_ident!("{}_arguments", ident),
        slots: decls.iter().map(|d| format_ident!("{}", d.name)).collect(),
        p: quote!(#krate::__private_0_1),
        a: quote!(#krate::arguments),
    };
    let typestate = emit_typestate::emit(&names, &input.vis);
    let diagnostics = emit_diagnostics::emit(&names, &input.vis);
    let constructor = emit_constructor(input, &names, fields, validate);
    quote! {
        #typestate
        #diagnostics
        #constructor
    }
}

/// `new(required..., options)`, `args()`, and `impl SupportsDevice`.
fn emit_constructor(
    input: &DeriveInput,
    names: &Names<'_>,
    fields: &[Field],
    validate: Option<&syn::Expr>,
) -> TokenStream {
    let Names {
        ident,
        krate,
        decls,
        args_ty,
        ..
    } = names;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let arg_names = names.arg_names();
    let (empty_builder, empty_value) = names.empty_builder();
    let required: Vec<&ArgDecl> = decls.iter().filter(|d| d.default.is_none()).collect();
    let req_names: Vec<&Ident> = required.iter().map(|d| &d.name).collect();
    let req_tys: Vec<&syn::Type> = required.iter().map(|d| &d.ty).collect();
    let construct = emit_construct(fields, validate, krate);
    // A `build = ...` part runs code the derive cannot see: let skip_init check its result.
    let declarative = !fields.iter().any(
        |f| matches!(&f.kind, FieldKind::Part { build: Some(b), .. } if matches!(**b, Build::Custom(_))),
    );
    let type_name = ident.unraw().to_string();
    let names_table = decls.iter().map(|d| d.name.unraw().to_string());
    let new_doc = format!(
        "A new `{ident}` on the device and dtype of `options`, initialized as declared. Required \
         arguments in order; the others take their defaults (use `{ident}::args()` or `new!` to set them)."
    );
    quote! {
        impl #impl_generics #ident #ty_generics #where_clause {
            #[doc = #new_doc]
            #[allow(clippy::new_ret_no_self, clippy::too_many_arguments)]
            pub fn new(
                #(#req_names: impl #krate::IntoArg<#req_tys>,)*
                options: impl ::std::convert::Into<#krate::TensorOptions>,
            ) -> #krate::Result<Self> {
                let args = <Self as #krate::SupportsDevice>::args()#(.#req_names(#req_names))*.finish();
                <Self as #krate::SupportsDevice>::construct(args, &options.into())
            }
        }

        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl #impl_generics #krate::SupportsDevice for #ident #ty_generics #where_clause {
            type Args = #args_ty;
            type Builder = #empty_builder;
            const DECLARATIVE: bool = #declarative;
            const ARGUMENTS: #krate::__private_0_1::ArgumentTable = #krate::__private_0_1::ArgumentTable {
                type_name: #type_name,
                names: &[#(#names_table),*],
            };

            fn args() -> Self::Builder {
                #empty_value
            }

            #[allow(unused_variables, clippy::redundant_locals)]
            fn construct(__args: #args_ty, __options: &#krate::TensorOptions) -> #krate::Result<Self> {
                let #args_ty { #(#arg_names),* } = __args;
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
            let layers = usize::from(optional) + usize::from(repeat.is_some());
            let concrete = element_type(field_ty, layers).is_some_and(names_a_concrete_type);
            let checked = concrete.then_some(&elem as &dyn quote::ToTokens);
            let closure = args.builder_closure(krate, checked, *span);
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

/// The type inside `layers` wrappers (`Option<Vec<Linear>>`, 2: `Linear`), by their first
/// generic argument.
fn element_type(ty: &syn::Type, layers: usize) -> Option<&syn::Type> {
    let mut ty = ty;
    for _ in 0..layers {
        let syn::Type::Path(p) = ty else { return None };
        let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
            return None;
        };
        ty = args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })?;
    }
    Some(ty)
}
