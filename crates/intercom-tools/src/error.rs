//! The one error enum of the registry.

/// Why a tool call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ToolError {
    /// No tool or alias has this name.
    #[error("unknown tool `{name}`{}", suggestion_text(.suggestions))]
    UnknownTool {
        name: String,
        suggestions: Vec<String>,
    },

    /// The tool name is longer than any tool name can be.
    #[error("a tool name is at most {max} characters; this one has {length}")]
    NameTooLong { length: usize, max: usize },

    /// The arguments were refused before any request was sent.
    #[error("invalid input for `{tool}`: {}", field_message(.field, .message))]
    Validation {
        tool: String,
        /// Path of the offending field (`conversation_id`, `from.type`); empty for the whole input.
        field: String,
        /// What is wrong, what is allowed and, where useful, what to do next.
        message: String,
    },

    /// Intercom (or the network) answered with an error. For a write, `applied` says whether
    /// it took effect: settled by a lookup after an ambiguous failure where one exists (see
    /// [`crate::reconcile`]), else the transport's verdict; `None` for a read.
    #[error("`{tool}` failed{}", applied_text(.applied))]
    Api {
        tool: String,
        #[source]
        source: Box<intercom_client::Error>,
        applied: Option<intercom_client::Applied>,
    },

    /// The API answered, but not in the shape the tool needs.
    #[error("`{tool}`: unexpected response: {message}")]
    Response { tool: String, message: String },
}

impl ToolError {
    /// The client error, when the API or the network failed.
    pub fn client_error(&self) -> Option<&intercom_client::Error> {
        match self {
            ToolError::Api { source, .. } => Some(source),
            _ => None,
        }
    }

    /// True for errors raised before any request (unknown tool, validation).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            ToolError::UnknownTool { .. }
                | ToolError::NameTooLong { .. }
                | ToolError::Validation { .. }
        )
    }

    /// Whether the write took effect, when the call was a write that failed at Intercom or on
    /// the way.
    pub fn applied(&self) -> Option<&intercom_client::Applied> {
        match self {
            ToolError::Api { applied, .. } => applied.as_ref(),
            _ => None,
        }
    }

    /// A failure of `tool`'s request, with the transport's verdict when the tool writes.
    pub(crate) fn api(tool: &str, source: intercom_client::Error) -> ToolError {
        let writes = crate::catalog::all()
            .iter()
            .any(|t| t.name == tool && !t.annotations.read_only);
        ToolError::Api {
            tool: tool.to_owned(),
            applied: writes.then(|| source.applied()),
            source: Box::new(source),
        }
    }

    pub(crate) fn validation(
        tool: &str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> ToolError {
        ToolError::Validation {
            tool: tool.to_owned(),
            field: field.into(),
            message: message.into(),
        }
    }
}

fn suggestion_text(suggestions: &[String]) -> String {
    match suggestions {
        [] => ": no tool or alias has a similar name; list the tools to see them all".to_owned(),
        [one] => format!(": did you mean `{one}`?"),
        many => format!(
            ": did you mean one of {}?",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn applied_text(applied: &Option<intercom_client::Applied>) -> String {
    applied
        .as_ref()
        .map(|a| format!(" ({a})"))
        .unwrap_or_default()
}

fn field_message(field: &str, message: &str) -> String {
    if field.is_empty() {
        message.to_owned()
    } else {
        format!("`{field}` {message}")
    }
}
