//! `docs/tools.md` is generated from the registry; this fails when the committed file drifts.
//! Regenerate with `UPDATE_DOCS=1 cargo test -p intercom-cli docs` or
//! `intercom tools --markdown > docs/tools.md`.

use intercom_tools::Registry;

use crate::{intercom, stdout};

const DOCS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/tools.md");

#[test]
fn docs_tools_md_is_up_to_date() {
    let expected = Registry::builtin().markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(DOCS, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(DOCS).unwrap_or_default();
    assert!(
        committed == expected,
        "docs/tools.md is out of date: run `UPDATE_DOCS=1 cargo test -p intercom-cli docs` (or `intercom tools --markdown > docs/tools.md`)"
    );
}

#[test]
fn markdown_flag_prints_the_same_document() {
    let out = intercom(&["tools", "--markdown"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out), Registry::builtin().markdown());
}
