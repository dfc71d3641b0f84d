//! Integration tests of the registry: schemas, validation, aliases, request building (no
//! socket), and every tool end to end against a sandbox on a real socket.

mod aliases;
mod bodies;
mod catalog;
mod dates;
mod e2e;
mod harness;
mod mirror;
mod reconcile;
mod registry_json;
mod requests;
mod resolve;
mod schema;
mod search_shape;
mod shape;
mod shaping;
mod soak;
mod tokens;
mod validation;
mod workflows;

/// Lines of `shared/reference/required-tools.tsv` (beside the checkout) as column maps.
pub fn required_tools() -> Vec<std::collections::HashMap<String, String>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/required-tools.tsv"
    );
    let text = std::fs::read_to_string(path)
        .expect("shared/reference/required-tools.tsv beside the checkout");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| ((*h).to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}
