use intercom_tools::Registry;
use intercom_tools::validate::SUPPORTED_KEYWORDS;
use serde_json::Value;

/// Every keyword of `schema` (recursively) and the path where it appears.
fn keywords(schema: &Value, path: &str, out: &mut Vec<(String, String)>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    for (key, value) in map {
        out.push((path.to_owned(), key.clone()));
        match key.as_str() {
            "properties" => {
                for (name, sub) in value.as_object().unwrap() {
                    keywords(sub, &format!("{path}.{name}"), out);
                }
            }
            "items" => keywords(value, &format!("{path}[]"), out),
            _ => {}
        }
    }
}

#[test]
fn schemas_use_only_keywords_the_validator_enforces() {
    for tool in Registry::builtin().tools() {
        let mut found = Vec::new();
        keywords(&tool.input_schema(), "", &mut found);
        for (path, key) in found {
            assert!(
                SUPPORTED_KEYWORDS.contains(&key.as_str()),
                "{}: keyword `{key}` at `{path}` is not enforced by the validator",
                tool.name
            );
        }
    }
}

#[test]
fn schemas_are_object_rooted_and_closed() {
    for tool in Registry::builtin().tools() {
        let schema = tool.input_schema();
        assert_eq!(schema["type"], "object", "{}", tool.name);
        assert_eq!(schema["additionalProperties"], false, "{}", tool.name);
        for k in ["anyOf", "oneOf", "allOf", "not", "if"] {
            assert!(schema.get(k).is_none(), "{}: top-level {k}", tool.name);
        }
        let props = schema["properties"].as_object().unwrap();
        for r in schema["required"].as_array().into_iter().flatten() {
            assert!(
                props.contains_key(r.as_str().unwrap()),
                "{}: required `{r}` is not a property",
                tool.name
            );
        }
        for (name, prop) in props {
            assert!(
                prop["description"].as_str().is_some_and(|d| d.len() > 5),
                "{}: `{name}` has no description",
                tool.name
            );
        }
        assert!(
            tool.description.len() > 20,
            "{}: description too short",
            tool.name
        );
    }
}

#[test]
fn rules_name_real_parameters() {
    use intercom_tools::Rule;
    for tool in Registry::builtin().tools() {
        for rule in tool.rules {
            let names: Vec<&str> = match *rule {
                Rule::AnyOf { fields } => fields.to_vec(),
                Rule::RequiredIf { field, when, .. } | Rule::OnlyIf { field, when, .. } => {
                    vec![field, when]
                }
                Rule::AnyOfIf { fields, when, .. } => {
                    fields.iter().copied().chain([when]).collect()
                }
                Rule::Check(_) => vec![],
            };
            for n in names {
                assert!(
                    tool.param(n).is_some(),
                    "{}: rule names unknown parameter `{n}`",
                    tool.name
                );
            }
        }
    }
}

#[test]
fn path_templates_are_filled_by_path_parameters() {
    use intercom_tools::Location;
    for tool in Registry::builtin().tools() {
        for op in tool.operations {
            let mut rest = op.path;
            while let Some(start) = rest.find('{') {
                let end = rest.find('}').unwrap();
                let name = &rest[start + 1..end];
                let p = tool.param(name);
                let workflow = matches!(tool.handler, intercom_tools::Handler::Workflow { .. });
                assert!(
                    workflow || p.is_some_and(|p| p.location == Location::Path && p.required),
                    "{}: `{{{name}}}` of {} has no required path parameter",
                    tool.name,
                    op.path
                );
                rest = &rest[end + 1..];
            }
        }
    }
}
