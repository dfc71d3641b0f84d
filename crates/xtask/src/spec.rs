//! Loading Intercom's OpenAPI descriptions (YAML) as JSON values, and walking their operations.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::Value;

/// The API versions whose descriptions are read, oldest first.
pub const VERSIONS: [&str; 2] = ["2.14", "2.16"];

/// `../shared/reference/intercom-openapi` beside the workspace root (or `INTERCOM_OPENAPI_DIR`).
pub fn shared_dir(root: &Path) -> PathBuf {
    match std::env::var_os("INTERCOM_OPENAPI_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => root.join("../shared/reference/intercom-openapi"),
    }
}

/// One version's description.
pub struct Spec {
    pub version: &'static str,
    pub doc: Value,
}

/// Every version's description.
pub struct Specs {
    pub specs: Vec<Spec>,
}

impl Specs {
    pub fn load(dir: &Path) -> anyhow::Result<Specs> {
        let mut specs = Vec::new();
        for version in VERSIONS {
            let path = dir.join(format!("api.intercom.io.{version}.yaml"));
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "reading {} (the generator needs ../shared beside the checkout)",
                    path.display()
                )
            })?;
            let doc: Value = serde_yaml_ng::from_str(&text)
                .with_context(|| format!("parsing {}", path.display()))?;
            specs.push(Spec { version, doc });
        }
        Ok(Specs { specs })
    }

    pub fn get(&self, version: &str) -> Option<&Spec> {
        self.specs.iter().find(|s| s.version == version)
    }

    /// The newest description.
    pub fn newest(&self) -> &Spec {
        self.specs.last().expect("at least one version is loaded")
    }
}

/// One operation of a description.
pub struct Op<'a> {
    /// Upper-case HTTP method.
    pub method: String,
    pub path: &'a str,
    /// The operation object.
    pub op: &'a Value,
    /// The path item's own `parameters` (shared by its operations).
    pub path_params: &'a [Value],
}

impl Op<'_> {
    pub fn operation_id(&self) -> &str {
        self.op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

impl Spec {
    /// Every operation, in path order then method order as written.
    pub fn operations(&self) -> Vec<Op<'_>> {
        let mut ops = Vec::new();
        let Some(paths) = self.doc.get("paths").and_then(Value::as_object) else {
            return ops;
        };
        for (path, item) in paths {
            let path_params = item
                .get("parameters")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                if matches!(method.as_str(), "get" | "post" | "put" | "delete" | "patch") {
                    ops.push(Op {
                        method: method.to_ascii_uppercase(),
                        path,
                        op,
                        path_params,
                    });
                }
            }
        }
        ops
    }

    /// Follows a local `$ref` (`#/components/...`) once; other values are returned as they are.
    pub fn deref<'a>(&'a self, value: &'a Value) -> anyhow::Result<&'a Value> {
        let mut value = value;
        for _ in 0..32 {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Ok(value);
            };
            let Some(pointer) = reference.strip_prefix('#') else {
                bail!("unsupported $ref {reference}");
            };
            value = self
                .doc
                .pointer(pointer)
                .with_context(|| format!("dangling $ref {reference}"))?;
        }
        bail!("$ref chain too long")
    }
}
