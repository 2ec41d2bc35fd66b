//! The per-argument traits whose `#[diagnostic::on_unimplemented]` words the builder's compile
//! errors in the user's terms, in a module named after the type, `Linear_arguments`:
//! `{arg}_arg` (a value's conversion: "argument `x` of `Linear` expects `usize`, found `&str`"),
//! `{arg}_default` (a declared default's type), `{arg}_not_given` (a keyword setter's bound:
//! "argument `x` of `Linear` is given twice"), `{arg}_given` (`finish`'s bound: "missing
//! required argument") and `too_many_positional` (the position after the last). The names
//! are in the messages themselves: rustc prints a marker type's full path whenever its name
//! is not unique, so generic traits over marker types would read `nn::linear::...::bias`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Visibility;

use crate::names::Names;

pub fn emit(names: &Names<'_>, vis: &Visibility) -> TokenStream {
    let Names {
        ident,
        krate,
        decls,
        names_mod,
        a,
        ..
    } = names;
    let traits = decls.iter().map(|d| {
        let name = &d.name;
        let [given, not_given, arg] = ["given", "not_given", "arg"].map(|s| format_ident!("{name}_{s}"));
        let twice = format!("argument `{name}` of `{ident}` is given twice");
        let missing = format!("missing required argument `{name}` of `{ident}`");
        let missing_label = format!("`{ident}` needs `{name}`: it has no default");
        let missing_note = format!("pass it positionally or as `{name} = value`");
        let wrong_type = format!("argument `{name}` of `{ident}` expects `{{T}}`, found `{{Self}}`");
        let default_check = d.default.as_ref().map(|_| {
            let default = format_ident!("{name}_default");
            let wrong_default = format!("the default of `{name}` must be `{{T}}`, found `{{Self}}`");
            quote! {
                #[diagnostic::on_unimplemented(message = #wrong_default, label = "expected `{T}`")]
                pub trait #default<T> {
                    fn check(self) -> T;
                }
                #[diagnostic::do_not_recommend]
                impl<T> #default<T> for T {
                    fn check(self) -> T {
                        self
                    }
                }
            }
        });
        quote! {
            #default_check

            #[diagnostic::on_unimplemented(
                message = #wrong_type,
                label = "expected `{T}`",
                note = "a value converts to an argument's type where `modules::IntoArg` says so"
            )]
            pub trait #arg<T>: #krate::IntoArg<T> {}
            #[diagnostic::do_not_recommend]
            impl<T, V: #krate::IntoArg<T>> #arg<T> for V {}

            #[diagnostic::on_unimplemented(
                message = #twice,
                label = "already given, positionally or by keyword",
                note = "remove one of the two"
            )]
            pub trait #not_given {}
            #[diagnostic::do_not_recommend]
            impl #not_given for #a::NotGiven {}

            #[diagnostic::on_unimplemented(message = #missing, label = #missing_label, note = #missing_note)]
            pub trait #given<T> {
                fn value(self) -> T;
            }
            #[diagnostic::do_not_recommend]
            impl<T> #given<T> for #a::Given<T> {
                fn value(self) -> T {
                    self.0
                }
            }
        }
    });
    let too_many = too_many_positional(names);
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types, non_snake_case, dead_code)]
        #vis mod #names_mod {
            #(#traits)*
            #too_many
        }
    }
}

/// `too_many_positional<N>`: the bound of the position after the last, implemented for no
/// value, whose message counts the positionals the call gave (`N`) against those declared.
fn too_many_positional(names: &Names<'_>) -> TokenStream {
    let Names { ident, decls, a, .. } = names;
    let declared: Vec<String> = decls.iter().map(|d| format!("`{}`", d.name)).collect();
    let message = format!(
        "`{ident}` takes {} positional argument{} ({}) but {{N}} were given",
        declared.len(),
        if declared.len() == 1 { "" } else { "s" },
        declared.join(", ")
    );
    quote! {
        #[diagnostic::on_unimplemented(
            message = #message,
            label = "one positional argument too many"
        )]
        pub trait too_many_positional<const N: usize> {}
        // Only so that rustc does not suggest implementing the trait: no argument value is of
        // this type.
        #[diagnostic::do_not_recommend]
        impl<const N: usize> too_many_positional<N> for #a::NotGiven {}
    }
}
