//! Generators of the checked-in files derived from Intercom's OpenAPI descriptions.
//!
//! The descriptions live in `../shared/reference/intercom-openapi/` beside the checkout; the
//! product never reads them at run time. Each generator returns the files it owns as
//! (path relative to the workspace root, contents); [`run`] writes them or, with `check`, lists
//! the ones that differ from what is committed.

use std::path::{Path, PathBuf};

use anyhow::Context;

pub mod catalog;
pub mod sandbox;
pub mod spec;

/// One generated file: its path relative to the workspace root and its contents.
pub struct Output {
    pub path: &'static str,
    pub contents: String,
}

/// The workspace root (the parent of `crates/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/xtask sits two levels below the workspace root")
        .to_path_buf()
}

/// Every generated file, computed from the specs.
pub fn outputs(specs: &spec::Specs) -> anyhow::Result<Vec<Output>> {
    let mut outputs = Vec::new();
    outputs.extend(catalog::outputs(specs)?);
    outputs.extend(sandbox::outputs(specs)?);
    Ok(outputs)
}

/// Writes the generated files, or with `check` returns the paths of those that are stale.
pub fn run(check: bool) -> anyhow::Result<Vec<String>> {
    let root = workspace_root();
    let specs = spec::Specs::load(&spec::shared_dir(&root))?;
    let mut stale = Vec::new();
    for output in outputs(&specs)? {
        let path = root.join(output.path);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == output.contents {
            continue;
        }
        if check {
            stale.push(output.path.to_owned());
        } else {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(&path, &output.contents)
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(stale)
}
