//! Which tools a selection serves.

use intercom_mcp::{DEFAULT_TOOLS, McpError, Refusal, Selection};
use intercom_tools::Registry;

fn names(selection: Selection) -> Vec<&'static str> {
    selection
        .resolve(&Registry::builtin())
        .unwrap()
        .enabled()
        .iter()
        .map(|t| t.name)
        .collect()
}

fn error(selection: Selection) -> String {
    selection
        .resolve(&Registry::builtin())
        .unwrap_err()
        .to_string()
}

#[test]
fn the_default_is_the_curated_list_at_most_thirty_tools() {
    let registry = Registry::builtin();
    for name in DEFAULT_TOOLS {
        assert!(
            registry.tool(name).is_some(),
            "default tool {name} is not in the registry"
        );
    }
    let got = names(Selection::new());
    assert_eq!(got.len(), DEFAULT_TOOLS.len());
    assert!(got.len() <= 30, "{} default tools", got.len());
    let mut sorted = got.clone();
    sorted.sort_unstable();
    let mut expected = DEFAULT_TOOLS.to_vec();
    expected.sort_unstable();
    assert_eq!(sorted, expected);
    assert_eq!(names(Selection::new().toolsets(["default"])), got);
    assert!(got.contains(&"intercom_manage_conversation"));
    assert!(got.contains(&"intercom_identify_admin"));
    assert!(!got.contains(&"intercom_delete_contact"));
    // `default` combines with toolsets and read-only.
    let with_tags = names(Selection::new().toolsets(["default", "tags"]));
    assert!(with_tags.contains(&"intercom_retrieve_tag") && with_tags.len() > got.len());
    let read_only = names(Selection::new().read_only(true));
    assert!(!read_only.contains(&"intercom_reply_to_conversation"));
    assert!(read_only.contains(&"intercom_search_conversations"));
}

#[test]
fn all_serves_the_whole_registry() {
    assert_eq!(
        names(Selection::new().toolsets(["all"])).len(),
        Registry::builtin().tools().len()
    );
}

#[test]
fn toolsets_are_comma_separated_and_case_insensitive() {
    let got = names(Selection::new().toolsets(["Tags,segments"]));
    assert_eq!(
        got,
        [
            "intercom_list_segments",
            "intercom_retrieve_segment",
            "intercom_list_tags",
            "intercom_retrieve_tag",
            "intercom_create_or_update_tag",
            "intercom_delete_tag"
        ]
    );
}

#[test]
fn unknown_toolset_names_the_known_ones() {
    let message = error(Selection::new().toolsets(["conversations", "ticketz"]));
    assert!(
        message.starts_with("unknown toolset `ticketz`: expected one of admins, ")
            && message.ends_with(", `default` or `all`"),
        "{message}"
    );
}

#[test]
fn exact_tools_alone_serve_just_those_and_resolve_aliases() {
    let got = names(Selection::new().tools(["INTERCOM_LIST_ALL_ADMINS", "intercom_list_tags"]));
    assert_eq!(got, ["intercom_list_admins", "intercom_list_tags"]);
}

#[test]
fn exact_tools_add_to_toolsets() {
    let got = names(
        Selection::new()
            .toolsets(["tags"])
            .tools(["intercom_get_counts"]),
    );
    assert_eq!(
        got,
        [
            "intercom_list_tags",
            "intercom_retrieve_tag",
            "intercom_get_counts",
            "intercom_create_or_update_tag",
            "intercom_delete_tag"
        ]
    );
}

#[test]
fn unknown_exact_tool_suggests_names() {
    let message = error(Selection::new().tools(["intercom_list_admin"]));
    assert!(
        message.starts_with("unknown tool `intercom_list_admin` in --tools: did you mean ")
            && message.contains("`intercom_list_admins`"),
        "{message}"
    );
}

#[test]
fn read_only_keeps_only_read_tools_and_refuses_the_others() {
    let registry = Registry::builtin();
    let catalog = Selection::new()
        .toolsets(["all"])
        .read_only(true)
        .resolve(&registry)
        .unwrap();
    assert!(catalog.enabled().iter().all(|t| t.annotations.read_only));
    let reads = registry
        .tools()
        .iter()
        .filter(|t| t.annotations.read_only)
        .count();
    assert_eq!(catalog.enabled().len(), reads);
    let close = registry.tool("intercom_manage_conversation").unwrap();
    assert_eq!(catalog.check(close), Err(Refusal::ReadOnly));
    let admins = registry.tool("intercom_list_admins").unwrap();
    assert_eq!(catalog.check(admins), Ok(()));
}

#[test]
fn tools_outside_the_selection_are_not_enabled() {
    let registry = Registry::builtin();
    let catalog = Selection::new().resolve(&registry).unwrap();
    let tags = registry.tool("intercom_list_segments").unwrap();
    assert_eq!(catalog.check(tags), Err(Refusal::NotEnabled));
}

#[test]
fn a_write_tool_named_with_read_only_is_refused() {
    assert!(matches!(
        Selection::new()
            .read_only(true)
            .tools(["intercom_delete_contact"])
            .resolve(&Registry::builtin()),
        Err(McpError::WriteToolInReadOnly { .. })
    ));
}

#[test]
fn discovery_reaches_everything_unless_narrowed() {
    let all = Registry::builtin().tools().len();
    assert_eq!(names(Selection::new().discover(true)).len(), all);
    assert_eq!(
        names(Selection::new().discover(true).toolsets(["tags"])),
        [
            "intercom_list_tags",
            "intercom_retrieve_tag",
            "intercom_create_or_update_tag",
            "intercom_delete_tag"
        ]
    );
}

#[test]
fn page_size_zero_is_refused() {
    assert_eq!(
        error(Selection::new().page_size(Some(0))),
        "--page-size must be at least 1"
    );
}
