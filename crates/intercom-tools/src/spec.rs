//! The declarative vocabulary of the registry: tools, their parameters, rules, annotations and
//! the API operations they call.
//!
//! A tool is a `static` value. Its parameter table generates both the JSON Schema shown to agents
//! ([`Tool::input_schema`]) and, for most tools, the request sent to Intercom
//! ([`crate::build::direct`]). Tools that need several calls or some reshaping plug a
//! [`Handler`] in.

use std::future::Future;
use std::pin::Pin;

use intercom_client::{Client, Method, Request};
use serde_json::{Map, Value};

use crate::ToolError;

/// Validated tool arguments: a JSON object whose keys are the tool's parameter names.
pub type Args = Map<String, Value>;

/// The API area a tool belongs to: the spec's tag in snake_case (`help_center`,
/// `data_attributes`), or `counts` and `search` for the workflow tools that span areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Toolset(&'static str);

impl Toolset {
    pub const ADMINS: Toolset = Toolset("admins");
    pub const TEAMS: Toolset = Toolset("teams");
    pub const CONTACTS: Toolset = Toolset("contacts");
    pub const COMPANIES: Toolset = Toolset("companies");
    pub const CONVERSATIONS: Toolset = Toolset("conversations");
    pub const SEGMENTS: Toolset = Toolset("segments");
    pub const TAGS: Toolset = Toolset("tags");
    pub const COUNTS: Toolset = Toolset("counts");
    pub const TICKETS: Toolset = Toolset("tickets");
    /// Free-form search and fetch across object types (Intercom's hosted MCP server's tools).
    pub const SEARCH: Toolset = Toolset("search");
    /// Questions answered offline from the local mirror (`intercom sync`).
    pub const MIRROR: Toolset = Toolset("mirror");

    /// A toolset by its snake_case name.
    pub const fn new(name: &'static str) -> Toolset {
        Toolset(name)
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for Toolset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// JSON type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
    /// An object or an array of them (a recipient, or several).
    ObjectOrArray,
    /// A string or a number (a date given as text or as Unix seconds).
    StringOrNumber,
    /// Any JSON value.
    Any,
}

impl JsonType {
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            JsonType::String => Some("string"),
            JsonType::Integer => Some("integer"),
            JsonType::Number => Some("number"),
            JsonType::Boolean => Some("boolean"),
            JsonType::Object => Some("object"),
            JsonType::Array => Some("array"),
            JsonType::ObjectOrArray | JsonType::StringOrNumber | JsonType::Any => None,
        }
    }
    /// The JSON Schema `type` keyword's value: a name, or a list of names for the unions.
    pub fn schema_type(self) -> serde_json::Value {
        match self {
            JsonType::ObjectOrArray => serde_json::json!(["object", "array"]),
            JsonType::StringOrNumber => serde_json::json!(["string", "number"]),
            JsonType::Any => {
                serde_json::json!(["string", "number", "boolean", "object", "array", "null"])
            }
            other => serde_json::json!(other.as_str()),
        }
    }
    /// How docs name the type.
    pub fn name(self) -> &'static str {
        match self {
            JsonType::ObjectOrArray => "object or array",
            JsonType::StringOrNumber => "string or number",
            JsonType::Any => "any",
            other => other.as_str().unwrap_or("any"),
        }
    }
}

/// Where a parameter goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Substituted into `{name}` of the path template (percent-encoded).
    Path,
    /// Added to the query string.
    Query,
    /// A key of the JSON body.
    Body,
    /// Read by the tool's handler; not sent as is.
    Input,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Body => "body",
            Location::Input => "input",
        }
    }
}

/// One input parameter: generates one property of the input schema.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub ty: JsonType,
    pub location: Location,
    pub required: bool,
    pub description: &'static str,
    /// Allowed values (strings), empty for none.
    pub allowed: &'static [&'static str],
    /// For strings: refuse the empty string.
    pub non_empty: bool,
    /// For integers: inclusive bounds.
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// For objects: declared properties (then no other keys are accepted). Empty means any keys.
    pub properties: &'static [Param],
    /// For arrays: the type of the items.
    pub items: Option<JsonType>,
    /// What to do when the value is missing or wrong, e.g. "call intercom_list_admins to find one".
    pub hint: Option<&'static str>,
    /// A string value filled in by the registry when the field is missing.
    pub default: Option<&'static str>,
    /// For strings naming a teammate: names, emails and `me` are looked up before the request is
    /// built (see [`crate::resolve`]).
    pub resolve: Option<Resolve>,
    /// The API's name for the parameter when the tool's differs (`article_id` for the spec's
    /// `id`); `None` when they are the same.
    pub api_name: Option<&'static str>,
}

/// What a teammate parameter may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolve {
    /// An admin: id, email, name or `me`.
    Admin,
    /// An admin or a team (an assignee): id, email, admin or team name, or `me`. When it names a
    /// team, the tool's `type` parameter is set to `team`.
    Assignee,
}

impl Param {
    pub const fn new(
        name: &'static str,
        ty: JsonType,
        location: Location,
        description: &'static str,
    ) -> Param {
        Param {
            name,
            ty,
            location,
            required: false,
            description,
            allowed: &[],
            non_empty: false,
            minimum: None,
            maximum: None,
            properties: &[],
            items: None,
            hint: None,
            default: None,
            resolve: None,
            api_name: None,
        }
    }
    /// A required, non-empty string id substituted into the path.
    pub const fn path(name: &'static str, description: &'static str) -> Param {
        Param::new(name, JsonType::String, Location::Path, description)
            .required()
            .non_empty()
    }
    pub const fn query(name: &'static str, ty: JsonType, description: &'static str) -> Param {
        Param::new(name, ty, Location::Query, description)
    }
    pub const fn body(name: &'static str, ty: JsonType, description: &'static str) -> Param {
        Param::new(name, ty, Location::Body, description)
    }
    pub const fn input(name: &'static str, ty: JsonType, description: &'static str) -> Param {
        Param::new(name, ty, Location::Input, description)
    }
    /// A nested property of an object parameter (its location is irrelevant).
    pub const fn field(name: &'static str, ty: JsonType, description: &'static str) -> Param {
        Param::new(name, ty, Location::Input, description)
    }
    pub const fn required(mut self) -> Param {
        self.required = true;
        self
    }
    pub const fn non_empty(mut self) -> Param {
        self.non_empty = true;
        self
    }
    pub const fn one_of(mut self, values: &'static [&'static str]) -> Param {
        self.allowed = values;
        self
    }
    pub const fn range(mut self, min: i64, max: i64) -> Param {
        self.minimum = Some(min);
        self.maximum = Some(max);
        self
    }
    pub const fn min(mut self, min: i64) -> Param {
        self.minimum = Some(min);
        self
    }
    pub const fn max(mut self, max: i64) -> Param {
        self.maximum = Some(max);
        self
    }
    pub const fn fields(mut self, properties: &'static [Param]) -> Param {
        self.properties = properties;
        self
    }
    pub const fn items(mut self, ty: JsonType) -> Param {
        self.items = Some(ty);
        self
    }
    pub const fn hint(mut self, hint: &'static str) -> Param {
        self.hint = Some(hint);
        self
    }
    pub const fn default(mut self, value: &'static str) -> Param {
        self.default = Some(value);
        self
    }
    /// The name the API gives the parameter.
    pub const fn api_name(mut self, name: &'static str) -> Param {
        self.api_name = Some(name);
        self
    }
    /// The name sent to the API.
    pub fn wire_name(&self) -> &'static str {
        match self.api_name {
            Some(n) => n,
            None => self.name,
        }
    }
    /// Accept teammate names, emails and `me` as well as ids.
    pub const fn resolve(mut self, kind: Resolve) -> Param {
        self.resolve = Some(kind);
        self
    }
}

/// A constraint between parameters that a JSON Schema without `if`/`oneOf` cannot say.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// At least one of `fields` is required.
    AnyOf { fields: &'static [&'static str] },
    /// `field` is required when `when` has one of `equals`.
    RequiredIf {
        field: &'static str,
        when: &'static str,
        equals: &'static [&'static str],
    },
    /// At least one of `fields` is required when `when` has one of `equals`.
    AnyOfIf {
        fields: &'static [&'static str],
        when: &'static str,
        equals: &'static [&'static str],
    },
    /// `field` is only allowed when `when` has one of `equals`.
    OnlyIf {
        field: &'static str,
        when: &'static str,
        equals: &'static [&'static str],
    },
    /// A check written as code (date formats and order, for instance): on failure it returns
    /// the parameter at fault and what is wrong with it, worded to follow the parameter's name.
    Check(CheckFn),
}

/// See [`Rule::Check`].
pub type CheckFn = fn(&Args) -> Result<(), (&'static str, String)>;

/// MCP-style hints about a tool's effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Annotations {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

impl Annotations {
    /// Reads only.
    pub const READ: Annotations = Annotations {
        read_only: true,
        destructive: false,
        idempotent: true,
        open_world: true,
    };
    /// Creates something new each time (a reply, a conversation).
    pub const CREATE: Annotations = Annotations {
        read_only: false,
        destructive: false,
        idempotent: false,
        open_world: true,
    };
    /// Writes that can be repeated with the same effect (update, attach, upsert).
    pub const UPDATE: Annotations = Annotations {
        read_only: false,
        destructive: false,
        idempotent: true,
        open_world: true,
    };
    /// Removes data or an association.
    pub const DELETE: Annotations = Annotations {
        read_only: false,
        destructive: true,
        idempotent: true,
        open_world: true,
    };
}

/// One API operation a tool may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    pub method: Method,
    /// Path template with `{param}` placeholders, e.g. `/conversations/{conversation_id}/parts`.
    pub path: &'static str,
    /// The spec's operationId.
    pub operation_id: &'static str,
    /// Safe to send again (a search sent as POST, an upsert, an attach).
    pub idempotent: bool,
}

impl Operation {
    pub const fn new(method: Method, path: &'static str, operation_id: &'static str) -> Operation {
        let idempotent = matches!(method, Method::Get | Method::Put | Method::Delete);
        Operation {
            method,
            path,
            operation_id,
            idempotent,
        }
    }
    pub const fn get(path: &'static str, operation_id: &'static str) -> Operation {
        Operation::new(Method::Get, path, operation_id)
    }
    pub const fn post(path: &'static str, operation_id: &'static str) -> Operation {
        Operation::new(Method::Post, path, operation_id)
    }
    pub const fn put(path: &'static str, operation_id: &'static str) -> Operation {
        Operation::new(Method::Put, path, operation_id)
    }
    pub const fn delete(path: &'static str, operation_id: &'static str) -> Operation {
        Operation::new(Method::Delete, path, operation_id)
    }
    /// Marks a POST as safe to repeat.
    pub const fn idempotent(mut self) -> Operation {
        self.idempotent = true;
        self
    }
    /// `METHOD /path/{template}`.
    pub fn display(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }
}

/// A boxed future returned by workflow handlers.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Builds the one request of a tool from validated arguments.
pub type BuildFn = fn(&Tool, &Args) -> Result<Request, ToolError>;
/// Lists the requests a workflow would send (for `--dry-run`).
pub type PlanFn = fn(&Tool, &Args) -> Result<Vec<Request>, ToolError>;
/// Runs a workflow.
pub type RunFn =
    for<'a> fn(&'a Tool, &'a Client, &'a Args) -> BoxFuture<'a, Result<Value, ToolError>>;

/// How a tool turns arguments into API calls.
#[derive(Clone, Copy)]
pub enum Handler {
    /// One request built from the parameter table and `operations[0]`.
    Direct,
    /// One request built by a function (choosing the operation, reshaping the body).
    Build(BuildFn),
    /// Several calls and a computed result.
    Workflow { plan: PlanFn, run: RunFn },
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Handler::Direct => f.write_str("Direct"),
            Handler::Build(_) => f.write_str("Build"),
            Handler::Workflow { .. } => f.write_str("Workflow"),
        }
    }
}

/// One tool.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    pub name: &'static str,
    /// A short human-readable name (MCP's `title`).
    pub title: &'static str,
    pub toolset: Toolset,
    pub description: &'static str,
    pub params: &'static [Param],
    pub rules: &'static [Rule],
    pub annotations: Annotations,
    /// Every operation the tool may call; the first is the one a `Direct` tool calls.
    pub operations: &'static [Operation],
    pub handler: Handler,
    /// The `Intercom-Version` the tool sends when it is not the client's (an operation that only
    /// newer versions have); its input schema follows that version.
    pub version: Option<&'static str>,
}

impl Tool {
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }
    /// What to say when Intercom answers 404 to this tool: how to find a valid id for each id
    /// it takes in its path.
    pub fn not_found_hint(&self) -> String {
        let hints: Vec<String> = self
            .params
            .iter()
            .filter(|p| p.location == Location::Path)
            .filter_map(|p| p.hint.map(|h| format!("for `{}`, {h}", p.name)))
            .collect();
        if hints.is_empty() {
            "nothing has that id: check the ids you passed".to_owned()
        } else {
            format!("nothing has that id: {}", hints.join("; "))
        }
    }
    /// The JSON Schema of the tool's input.
    pub fn input_schema(&self) -> Value {
        crate::schema::tool_schema(self)
    }
}
