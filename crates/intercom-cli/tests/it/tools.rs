use intercom_tools::Registry;

use crate::{intercom, json, stdout};

#[test]
fn tools_json_is_the_registry() {
    let out = intercom(&["tools", "--json"]);
    let body = json(&out);
    assert_eq!(body, Registry::builtin().to_json());
    assert_eq!(
        body.as_array().unwrap().len(),
        Registry::builtin().tools().len()
    );
}

#[test]
fn tools_table() {
    let out = intercom(&["tools"]);
    assert!(out.status.success());
    insta::assert_snapshot!("tools_table", stdout(&out));
}

#[test]
fn tools_show_resolves_an_alias() {
    let out = intercom(&["tools", "show", "INTERCOM_CLOSE_CONVERSATION"]);
    assert!(out.status.success());
    insta::assert_snapshot!("tools_show_close_alias", stdout(&out));

    let out = intercom(&["tools", "show", "intercom_get_counts", "--json"]);
    let body = json(&out);
    assert_eq!(body["name"], "intercom_get_counts");
    assert_eq!(body["aliases"][0]["name"], "INTERCOM_GET_COUNTS");
}

#[test]
fn help_documents_the_exit_codes() {
    let out = intercom(&["--help"]);
    assert!(out.status.success());
    insta::assert_snapshot!("help", stdout(&out));
}
