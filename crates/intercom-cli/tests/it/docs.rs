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

/// The README's figures for the catalog are those of `intercom tools --json`.
#[test]
fn readme_claim_matches_tools_json() {
    let out = intercom(&["tools", "--json"]);
    assert!(out.status.success());
    let tools: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let tools = tools.as_array().unwrap();
    let mut operations = std::collections::BTreeSet::new();
    let mut toolsets = std::collections::BTreeSet::new();
    let mut newer = std::collections::BTreeSet::new();
    for tool in tools {
        toolsets.insert(tool["toolset"].as_str().unwrap().to_owned());
        for op in tool["operations"].as_array().unwrap() {
            let id = op["operation_id"].as_str().unwrap().to_owned();
            if op["version"] == "2.16" {
                newer.insert(id.clone());
            }
            operations.insert(id);
        }
    }
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // The `mirror` toolset answers from the local copy (issue 11); the others are the API's.
    let local = tools.iter().filter(|t| t["toolset"] == "mirror").count();
    let claim = format!(
        "{} tools in {} toolsets (named after the API's tags) reach all {} operations of Intercom's API 2.16, and the `mirror` toolset adds {local} that answer from a local copy",
        tools.len() - local,
        toolsets.len() - usize::from(local > 0),
        operations.len()
    );
    assert!(readme.contains(&claim), "README.md should say: {claim}");
    let versions = format!("or 2.16 for the {} operations 2.14 lacks", newer.len());
    assert!(
        readme.contains(&versions),
        "README.md should say: {versions}"
    );
    assert!(
        readme
            .starts_with("# intercom-agent-tools Every operation of Intercom's REST API as a tool")
    );
    assert_eq!(operations.len(), 231);
}
