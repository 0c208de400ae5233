//! Decision makers' identity. Results are keyed by DM name and requests pick a DM
//! by id or by name ignoring case (`Model::find_dm`), so a name must identify one
//! DM: no two names may be equal ignoring case, nor a name equal another DM's id.

use detente_engine::DecisionMaker;

use crate::diagnostic::{FormatError, SourceFile, Span};

/// Where a new DM's name and id were written; `name` is `None` when the id serves as the name.
pub(crate) struct Written {
    pub name: Option<Span>,
    pub id: Option<Span>,
}

/// Refuses a DM called `name` with `id` whose name or id would also identify one of `earlier`.
pub(crate) fn check_unique<'a>(
    file: &SourceFile,
    earlier: impl IntoIterator<Item = &'a DecisionMaker>,
    id: &str,
    name: &str,
    written: Written,
) -> Result<(), Box<FormatError>> {
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let name_at = || written.name.clone().or(written.id.clone());
    let clash = earlier.into_iter().find_map(|other| {
        if same(name, &other.name) {
            let message = if name == other.name {
                format!("decision maker name `{name}` is already used")
            } else {
                format!(
                    "decision maker name `{name}` differs from `{}` only in case",
                    other.name
                )
            };
            Some((message, name_at()))
        } else if same(name, &other.id) {
            let message = format!(
                "decision maker name `{name}` is the id of decision maker `{}`",
                other.name
            );
            Some((message, name_at()))
        } else if same(id, &other.name) {
            let message = format!(
                "decision maker id `{id}` is the name of decision maker `{}`",
                other.name
            );
            Some((message, written.id.clone()))
        } else {
            None
        }
    });
    match clash {
        None => Ok(()),
        Some((message, at)) => Err(file.error(message, at).label("named here").help(
            "results and requests refer to decision makers by name (ignoring case) or id: \
             give each decision maker its own name",
        )),
    }
}
