//! The per-argument traits whose `#[diagnostic::on_unimplemented]` words the builder's compile
//! errors in the user's terms: `{arg}_not_given` (a keyword setter's bound: "argument `x` of
//! `Linear` is given twice") and `{arg}_given` (`finish`'s bound: "missing required argument").
//! They live in a module named after the type, `Linear_arguments`, so that the help line rustc
//! adds reads "the trait `out_features_given<usize>` is not implemented for `NotGiven`".

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Visibility;

use crate::emit_new::Names;

pub fn emit(names: &Names<'_>, vis: &Visibility) -> TokenStream {
    let Names {
        ident,
        decls,
        names_mod,
        a,
        ..
    } = names;
    let traits = decls.iter().map(|d| {
        let name = &d.name;
        let given = format_ident!("{}_given", name);
        let not_given = format_ident!("{}_not_given", name);
        let twice = format!("argument `{name}` of `{ident}` is given twice");
        let missing = format!("missing required argument `{name}` of `{ident}`");
        let missing_label = format!("`{ident}` needs `{name}`: it has no default");
        let missing_note = format!("pass it positionally or as `{name} = value`");
        quote! {
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
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types, non_snake_case, dead_code)]
        #vis mod #names_mod {
            #(#traits)*
        }
    }
}
