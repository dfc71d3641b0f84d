//! Tools made from the generated operation data ([`crate::operations`]) and an overlay of ours
//! ([`super::entries`]): the overlay names the tool, gives it a title, a description and
//! parameter descriptions in our own words, renames parameters to the seeds' names, relaxes
//! required flags and picks annotations; the structure (method, path, parameter places, types,
//! enums, bounds) comes from the spec.
//!
//! The tools are built once per process, on first use, and leaked, so they are `&'static` like
//! the hand-written ones.

use std::sync::OnceLock;

use intercom_client::Method;

use crate::operations::{self, ApiOperation};
use crate::spec::{
    Annotations, BuildFn, Handler, JsonType, Location, Operation, Param, Tool, Toolset,
};

/// The overlay of one generated tool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub operation_id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub title: Option<&'static str>,
    pub toolset: Option<&'static str>,
    /// `(tool parameter, API parameter)` pairs.
    pub renames: &'static [(&'static str, &'static str)],
    /// API parameters the tool does not require even though the spec does (tool names).
    pub optional: &'static [&'static str],
    /// `(tool parameter, description)` pairs, over the defaults of [`describe`].
    pub params: &'static [(&'static str, &'static str)],
    pub annotations: Option<Annotations>,
    /// Parameters Intercom accepts that the description leaves out (the seeds send them), or
    /// that the tool's handler reads.
    pub extra: &'static [Param],
    /// A request builder of its own, where the arguments need reshaping.
    pub build: Option<BuildFn>,
}

/// An overlay entry: the operation, the tool's name and what it does.
pub(crate) const fn tool(
    operation_id: &'static str,
    name: &'static str,
    description: &'static str,
) -> Entry {
    Entry {
        operation_id,
        name,
        description,
        title: None,
        toolset: None,
        renames: &[],
        optional: &[],
        params: &[],
        annotations: None,
        extra: &[],
        build: None,
    }
}

impl Entry {
    pub const fn title(mut self, title: &'static str) -> Entry {
        self.title = Some(title);
        self
    }
    pub const fn toolset(mut self, toolset: &'static str) -> Entry {
        self.toolset = Some(toolset);
        self
    }
    pub const fn rename(mut self, renames: &'static [(&'static str, &'static str)]) -> Entry {
        self.renames = renames;
        self
    }
    pub const fn optional(mut self, names: &'static [&'static str]) -> Entry {
        self.optional = names;
        self
    }
    pub const fn params(mut self, params: &'static [(&'static str, &'static str)]) -> Entry {
        self.params = params;
        self
    }
    pub const fn extra(mut self, params: &'static [Param]) -> Entry {
        self.extra = params;
        self
    }
    pub const fn build(mut self, build: BuildFn) -> Entry {
        self.build = Some(build);
        self
    }
    /// A POST or PUT that only reads (a search) or may be repeated.
    pub const fn reads(mut self) -> Entry {
        self.annotations = Some(Annotations::READ);
        self
    }
    /// A POST that may be repeated with the same effect (an attach, an upsert).
    pub const fn repeatable(mut self) -> Entry {
        self.annotations = Some(Annotations::UPDATE);
        self
    }
}

/// The generated tools, built on first use.
pub(crate) fn tools() -> &'static [&'static Tool] {
    static TOOLS: OnceLock<Vec<&'static Tool>> = OnceLock::new();
    TOOLS.get_or_init(|| {
        super::entries::ENTRIES
            .iter()
            .map(|e| &*Box::leak(Box::new(build(e))))
            .collect()
    })
}

/// The snake_case toolset of a spec tag: `Help Center` → `help_center`.
pub fn toolset_of_tag(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

fn leak_str(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn build(e: &Entry) -> Tool {
    let op: &'static ApiOperation = operations::find(e.operation_id).unwrap_or_else(|| {
        panic!(
            "overlay entry {} names operation {}, which the generated data lacks",
            e.name, e.operation_id
        )
    });
    let tool_name = |api: &str| -> &'static str {
        e.renames
            .iter()
            .find(|(_, a)| *a == api)
            .map(|(t, _)| *t)
            .unwrap_or_else(|| leak_str(api.to_owned()))
    };
    let mut path = op.path.to_owned();
    let mut params: Vec<Param> = Vec::new();
    for p in op
        .params
        .iter()
        .chain(op.body.unwrap_or(&[]))
        .chain(e.extra)
    {
        let name = tool_name(p.name);
        let mut q = *p;
        if name != p.name {
            if p.location == Location::Path {
                path = path.replace(&format!("{{{}}}", p.name), &format!("{{{name}}}"));
            } else {
                q.api_name = Some(p.name);
            }
            q.name = name;
        }
        if e.optional.contains(&name) {
            q.required = false;
        }
        if !p.description.is_empty() {
            params.push(q);
            continue;
        }
        q.description = e
            .params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| *d)
            .unwrap_or_else(|| leak_str(describe(&q, op)));
        if q.location == Location::Path {
            q.hint = list_tool_for(op.path, p.name);
        }
        if !q.properties.is_empty() {
            let nested: Vec<Param> = q
                .properties
                .iter()
                .map(|n| {
                    let mut n = *n;
                    n.description = leak_str(describe(&n, op));
                    n
                })
                .collect();
            q.properties = Box::leak(nested.into_boxed_slice());
        }
        params.push(q);
    }
    let toolset = e
        .toolset
        .unwrap_or_else(|| leak_str(toolset_of_tag(op.tags.first().copied().unwrap_or("other"))));
    let annotations = e.annotations.unwrap_or(match op.method {
        Method::Get => Annotations::READ,
        Method::Delete => Annotations::DELETE,
        Method::Put | Method::Patch => Annotations::UPDATE,
        Method::Post => Annotations::CREATE,
    });
    let mut operation = Operation::new(op.method, leak_str(path), op.operation_id);
    if annotations.idempotent {
        operation = operation.idempotent();
    }
    Tool {
        name: e.name,
        title: e.title.unwrap_or_else(|| leak_str(title_of(e.name))),
        version: (op.version() != intercom_client::DEFAULT_VERSION).then(|| op.version()),
        toolset: Toolset::new(toolset),
        description: e.description,
        params: Box::leak(params.into_boxed_slice()),
        rules: &[],
        annotations,
        operations: Box::leak(vec![operation].into_boxed_slice()),
        handler: e.build.map_or(Handler::Direct, Handler::Build),
    }
}

/// `intercom_list_news_items` → `List news items`.
pub fn title_of(name: &str) -> String {
    let bare = name
        .strip_prefix("intercom_")
        .unwrap_or(name)
        .replace('_', " ");
    let mut chars = bare.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// What to call to find an id for the path parameter `name` of `path`: the list operation of
/// the collection the id belongs to, when the catalog has a tool for it.
fn list_tool_for(path: &str, name: &str) -> Option<&'static str> {
    let marker = format!("{{{name}}}");
    let at = path.find(&marker)?;
    let collection = path[..at].trim_end_matches('/');
    let list = operations::all()
        .iter()
        .find(|o| o.method == Method::Get && o.path == collection)?;
    let tool = super::tool_name_of_operation(list.operation_id)?;
    Some(leak_str(format!("call {tool} to find one")))
}

/// A short description of a parameter of ours, from its name, type and place (the spec's
/// sentences are not copied).
fn describe(p: &Param, op: &ApiOperation) -> String {
    let name = p.wire_name();
    let words = name.replace('_', " ");
    let known = match name {
        "per_page" => Some("Items per page.".to_owned()),
        "page" => Some("Page number, from 1.".to_owned()),
        "starting_after" => Some(
            "Cursor of the next page: `pages.next.starting_after` of the previous response."
                .to_owned(),
        ),
        "admin_id" => Some("Id of the admin who acts.".to_owned()),
        "email" => Some("Email address.".to_owned()),
        "name" => Some("Its name.".to_owned()),
        "body" => Some("Text of the message (HTML allowed).".to_owned()),
        "title" => Some("Its title.".to_owned()),
        "description" => Some("Its description.".to_owned()),
        "created_at" | "updated_at" => Some(format!("{} as a Unix time in seconds.", cap(&words))),
        "custom_attributes" => Some(
            "Custom attributes as an object of name to value (a JSON string of an object is \
             accepted; an object is preferred)."
                .to_owned(),
        ),
        _ => None,
    };
    if let Some(known) = known {
        return known;
    }
    if p.location == Location::Path && (name == "id" || name.ends_with("_id")) {
        let owner = if name == "id" {
            path_owner(op.path, name)
        } else {
            name.trim_end_matches("_id").replace('_', " ")
        };
        return format!("Intercom id of the {owner}.");
    }
    match p.ty {
        JsonType::Boolean => format!("Whether {words} (true or false)."),
        JsonType::Array => format!("List of {words}."),
        JsonType::Object => format!("{} (an object).", cap(&words)),
        _ if name.ends_with("_id") => format!("Id of the {}.", words.trim_end_matches(" id")),
        _ if name.ends_with("_at") => format!("{} as a Unix time in seconds.", cap(&words)),
        _ => format!("The {words}."),
    }
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// For `/articles/{id}/draft` and `id`, `article`.
fn path_owner(path: &str, name: &str) -> String {
    let marker = format!("{{{name}}}");
    let before = path.split(&marker).next().unwrap_or("");
    let segment = before
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("object");
    let singular = segment
        .strip_suffix("ies")
        .map(|s| format!("{s}y"))
        .or_else(|| segment.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| segment.to_owned());
    singular.replace('_', " ")
}
