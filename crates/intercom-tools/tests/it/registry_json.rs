use intercom_tools::Registry;
use serde_json::Value;

/// The tools of this slice (the six core workflows of the Composio skill).
pub const SLICE: &[&str] = &[
    "intercom_list_conversations",
    "intercom_search_conversations",
    "intercom_retrieve_conversation",
    "intercom_create_conversation",
    "intercom_reply_to_conversation",
    "intercom_manage_conversation",
    "intercom_update_conversation",
    "intercom_search_contacts",
    "intercom_retrieve_contact",
    "intercom_find_contact_by_external_id",
    "intercom_list_contacts",
    "intercom_list_contact_tags",
    "intercom_list_contact_segments",
    "intercom_list_contact_companies",
    "intercom_create_contact",
    "intercom_update_contact",
    "intercom_delete_contact",
    "intercom_attach_contact_to_company",
    "intercom_detach_contact_from_company",
    "intercom_attach_tag_to_contact",
    "intercom_detach_tag_from_contact",
    "intercom_list_admins",
    "intercom_identify_admin",
    "intercom_retrieve_admin",
    "intercom_list_teams",
    "intercom_retrieve_team",
    "intercom_list_segments",
    "intercom_retrieve_segment",
    "intercom_list_company_segments",
    "intercom_get_counts",
    "intercom_list_companies",
    "intercom_retrieve_company",
    "intercom_create_or_update_company",
    "intercom_list_company_contacts",
    "intercom_delete_company",
    "intercom_scroll_companies",
    "intercom_list_tags",
    "intercom_retrieve_tag",
    "intercom_search_conversations_by_customer",
    "intercom_list_conversations_by_date",
    "intercom_search_tickets",
    "intercom_retrieve_ticket",
    "intercom_search_tickets_by_customer",
    "intercom_search_tickets_by_status",
    "intercom_search",
    "intercom_fetch",
];

#[test]
fn registry_json_snapshot() {
    insta::assert_json_snapshot!("registry", Registry::builtin().to_json());
}

#[test]
fn every_tool_of_the_slice_is_registered_once() {
    let registry = Registry::builtin();
    let mut names: Vec<&str> = registry.tools().iter().map(|t| t.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "duplicate tool names");
    // The hand-written tools of the first slice are all still there; the rest of the catalog is
    // generated (see catalog.rs for its coverage of the spec).
    for name in SLICE {
        assert!(names.contains(name), "{name} is no longer registered");
    }
}

#[test]
fn scalekit_parameters_of_the_slice_are_accepted() {
    let registry = Registry::builtin();
    for row in crate::required_tools()
        .iter()
        .filter(|r| r["kind"] == "tool")
    {
        let Some(tool) = registry.tool(&row["name"]) else {
            continue;
        };
        let schema = tool.input_schema();
        for spec in row["required_params"]
            .split_whitespace()
            .chain(row["optional_params"].split_whitespace())
        {
            let (name, ty) = spec.split_once(':').unwrap();
            let prop = &schema["properties"][name];
            assert!(
                prop.is_object(),
                "{}: Scalekit parameter `{name}` is missing",
                tool.name
            );
            // A union (`["object", "array"]`) accepts the seed's type when it lists it.
            let accepts = match &prop["type"] {
                Value::String(t) => t == ty,
                Value::Array(types) => types.iter().any(|t| t == ty),
                _ => false,
            };
            assert!(
                accepts,
                "{}: `{name}` has another type than {ty}: {}",
                tool.name, prop["type"]
            );
        }
    }
}

#[test]
fn every_composio_slug_resolves_to_the_mapped_tool() {
    let registry = Registry::builtin();
    let rows: Vec<_> = crate::required_tools()
        .into_iter()
        .filter(|r| r["kind"] == "alias")
        .collect();
    assert_eq!(rows.len(), 21);
    for row in rows {
        let lookup = registry
            .lookup(&row["name"])
            .unwrap_or_else(|e| panic!("{}: {e}", row["name"]));
        assert_eq!(lookup.alias.map(|a| a.name), Some(row["name"].as_str()));
        let maps_to = row["maps_to"].split_whitespace().next().unwrap();
        if maps_to.starts_with("intercom_") {
            assert_eq!(lookup.tool.name, maps_to, "{}", row["name"]);
        }
    }
}

#[test]
fn annotations_are_consistent_with_operations() {
    use intercom_client::Method;
    for tool in Registry::builtin().tools() {
        let a = tool.annotations;
        // The mirror's tools read a local file alone: closed-world.
        assert_eq!(
            a.open_world,
            tool.toolset.as_str() != "mirror",
            "{}",
            tool.name
        );
        if a.read_only {
            assert!(!a.destructive && a.idempotent, "{}", tool.name);
            assert!(
                tool.operations
                    .iter()
                    .all(|o| o.method == Method::Get || o.idempotent),
                "{} is read-only but calls a write",
                tool.name
            );
        }
        if tool.operations.iter().any(|o| o.method == Method::Delete) {
            assert!(
                a.destructive,
                "{} deletes but is not destructive",
                tool.name
            );
        }
    }
}
