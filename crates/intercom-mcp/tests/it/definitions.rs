//! Every tool's MCP definition, and the rules every input schema keeps.

use intercom_mcp::definition::definition;
use intercom_mcp::{Connector, IntercomServer, Selection};
use intercom_tools::Registry;
use serde_json::{Value, json};

fn all_definitions() -> Vec<Value> {
    Registry::builtin()
        .tools()
        .iter()
        .map(|t| serde_json::to_value(definition(t)).unwrap())
        .collect()
}

/// A change to any tool's name, description, schema or annotations shows here in review.
/// Regenerate with `cargo insta accept` when the registry changes on purpose.
#[test]
fn every_tool_definition() {
    insta::assert_json_snapshot!("tool_definitions", all_definitions());
}

#[test]
fn definitions_match_the_registry_json() {
    let registry = Registry::builtin();
    for tool in registry.tools() {
        let mcp = serde_json::to_value(definition(tool)).unwrap();
        let reg = registry.tool_json(tool);
        assert_eq!(mcp["name"], reg["name"]);
        assert_eq!(mcp["title"], reg["title"], "{}", tool.name);
        assert_eq!(
            mcp["description"],
            *intercom_tools::schema::description(tool)
        );
        assert_eq!(mcp["inputSchema"], reg["input_schema"], "{}", tool.name);
        let a = &reg["annotations"];
        // Whether a write destroys or can be repeated means nothing for a read.
        let expected = if a["read_only"] == true {
            json!({"readOnlyHint": true, "openWorldHint": a["open_world"]})
        } else {
            json!({
                "readOnlyHint": false,
                "destructiveHint": a["destructive"],
                "idempotentHint": a["idempotent"],
                "openWorldHint": a["open_world"],
            })
        };
        assert_eq!(mcp["annotations"], expected, "{}", tool.name);
        assert!(
            mcp.get("outputSchema").is_none(),
            "no output schema is promised"
        );
    }
}

#[test]
fn input_schemas_are_portable() {
    let registry = Registry::builtin();
    let catalog = Selection::new()
        .toolsets(["all"])
        .resolve(&registry)
        .unwrap();
    let discover = Selection::new().discover(true).resolve(&registry).unwrap();
    let client = intercom_client::Client::new(intercom_client::Config::new("t")).unwrap();
    for catalog in [catalog, discover] {
        let server = IntercomServer::new(catalog, Connector::fixed(client.clone()));
        for tool in server.listed() {
            let schema = serde_json::to_value(&*tool.input_schema).unwrap();
            assert_eq!(schema["type"], "object", "{}", tool.name);
            assert!(schema["properties"].is_object(), "{}", tool.name);
            for keyword in ["anyOf", "oneOf", "allOf", "$ref", "$defs"] {
                assert!(schema.get(keyword).is_none(), "{} has {keyword}", tool.name);
            }
            if let Some(required) = schema["required"].as_array() {
                for name in required {
                    let name = name.as_str().unwrap();
                    assert!(
                        schema["properties"].get(name).is_some(),
                        "{} requires an undeclared {name}",
                        tool.name
                    );
                }
            }
            // MCP tool names: letters, digits, `_`, `-`, `.`; at most 64 characters.
            assert!(tool.name.len() <= 64, "{}", tool.name);
            assert!(
                tool.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)),
                "{}",
                tool.name
            );
        }
    }
}

/// The default `tools/list` stays within 30 tools and about 8,000 tokens (o200k, a real
/// tokenizer), and the shaping parameters are under a quarter of it (they were 43% of all
/// schema bytes with their long descriptions; measured 23% of the default list now).
#[test]
fn the_default_list_fits_the_budget() {
    let catalog = intercom_mcp::Selection::new()
        .resolve(&Registry::builtin())
        .unwrap();
    let client = intercom_client::Client::new(intercom_client::Config::new("t")).unwrap();
    let server = intercom_mcp::IntercomServer::new(catalog, intercom_mcp::Connector::fixed(client));
    let page = server.list_page(None).unwrap();
    assert!(page.tools.len() <= 30, "{} tools", page.tools.len());
    let text = serde_json::to_string(&page).unwrap();
    let tokens = tiktoken_rs::o200k_base()
        .unwrap()
        .encode_ordinary(&text)
        .len();
    assert!(tokens <= 8_000, "default tools/list: {tokens} tokens");
    let shaping: usize = page
        .tools
        .iter()
        .map(|t| {
            ["response_format", "fields", "max_tokens"]
                .iter()
                .map(|k| t.input_schema["properties"][*k].to_string().len() + k.len() + 3)
                .sum::<usize>()
        })
        .sum();
    assert!(
        shaping * 100 < text.len() * 25,
        "shaping parameters are {shaping} of {} bytes",
        text.len()
    );
}
