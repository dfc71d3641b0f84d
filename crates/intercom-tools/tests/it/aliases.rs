use intercom_client::{Method, WriteSafety};
use intercom_tools::Registry;
use serde_json::json;

#[test]
fn close_alias_renames_id_and_presets_close() {
    let registry = Registry::builtin();
    let call = registry
        .prepare(
            "INTERCOM_CLOSE_CONVERSATION",
            json!({"id": "123", "admin_id": "7", "body": "Done & dusted"}),
        )
        .unwrap();
    assert_eq!(call.tool.name, "intercom_manage_conversation");
    assert_eq!(call.alias.unwrap().name, "INTERCOM_CLOSE_CONVERSATION");
    let requests = call.requests().unwrap();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.path, "/conversations/123/parts");
    assert_eq!(r.safety, WriteSafety::NotIdempotent);
    assert_eq!(
        r.body,
        Some(
            json!({"message_type": "close", "type": "admin", "admin_id": "7", "body": "<p>Done &amp; dusted</p>"})
        )
    );
}

#[test]
fn reopen_and_assign_aliases_preset_their_action() {
    let registry = Registry::builtin();
    let open = registry
        .plan(
            "INTERCOM_REOPEN_CONVERSATION",
            json!({"id": "5", "admin_id": "7"}),
        )
        .unwrap();
    assert_eq!(
        open[0].body,
        Some(json!({"message_type": "open", "admin_id": "7"}))
    );

    let assign = registry
        .plan(
            "INTERCOM_ASSIGN_CONVERSATION",
            json!({"conversation_id": "5", "admin_id": "7", "assignee_id": "9", "body": "<b>yours</b>"}),
        )
        .unwrap();
    assert_eq!(assign[0].path, "/conversations/5/parts");
    assert_eq!(
        assign[0].body,
        Some(
            json!({"message_type": "assignment", "type": "admin", "admin_id": "7", "assignee_id": "9", "body": "<b>yours</b>"})
        )
    );
}

#[test]
fn get_conversation_alias_takes_id() {
    let r = Registry::builtin()
        .plan("INTERCOM_GET_CONVERSATION", json!({"id": "77"}))
        .unwrap();
    assert_eq!(
        (r[0].method, r[0].path.as_str()),
        (Method::Get, "/conversations/77")
    );
}

#[test]
fn identify_an_admin_is_retrieve_admin() {
    let registry = Registry::builtin();
    let lookup = registry.lookup("INTERCOM_IDENTIFY_AN_ADMIN").unwrap();
    assert_eq!(lookup.tool.name, "intercom_retrieve_admin");
    let r = registry
        .plan("INTERCOM_IDENTIFY_AN_ADMIN", json!({"admin_id": "12"}))
        .unwrap();
    assert_eq!(r[0].path, "/admins/12");
}

#[test]
fn new_tools_behind_slugs() {
    let registry = Registry::builtin();
    let r = registry
        .plan(
            "INTERCOM_SHOW_CONTACT_BY_EXTERNAL_ID",
            json!({"external_id": "ext/42 A"}),
        )
        .unwrap();
    assert_eq!(r[0].path, "/contacts/find_by_external_id/ext%2F42%20A");
    let r = registry
        .plan(
            "INTERCOM_LIST_TAGS_ATTACHED_TO_A_CONTACT",
            json!({"contact_id": "c1"}),
        )
        .unwrap();
    assert_eq!(r[0].path, "/contacts/c1/tags");
    let r = registry
        .plan("INTERCOM_GET_COUNTS", json!({"type": "company"}))
        .unwrap();
    assert_eq!(r[0].path, "/companies/list");
    assert_eq!(r[0].query, vec![("per_page".to_owned(), "1".to_owned())]);
}

#[test]
fn lookup_ignores_case_as_a_fallback() {
    let registry = Registry::builtin();
    assert_eq!(
        registry
            .lookup("intercom_list_all_admins")
            .unwrap()
            .tool
            .name,
        "intercom_list_admins"
    );
    assert_eq!(
        registry.lookup("Intercom_List_Tags").unwrap().tool.name,
        "intercom_list_tags"
    );
}

#[test]
fn aliases_are_listed_on_their_tool() {
    let registry = Registry::builtin();
    let names: Vec<&str> = registry
        .aliases_of("intercom_manage_conversation")
        .iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(
        names,
        [
            "INTERCOM_ASSIGN_CONVERSATION",
            "INTERCOM_CLOSE_CONVERSATION",
            "INTERCOM_REOPEN_CONVERSATION"
        ]
    );
    let json = registry.tool_json(registry.tool("intercom_manage_conversation").unwrap());
    assert_eq!(
        json["aliases"][1],
        json!({"name": "INTERCOM_CLOSE_CONVERSATION", "renames": {"id": "conversation_id"}, "presets": {"message_type": "close"}})
    );
}
