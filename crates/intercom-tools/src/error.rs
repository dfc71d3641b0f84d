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

    /// Intercom (or the network) answered with an error.
    #[error("`{tool}` failed")]
    Api {
        tool: String,
        #[source]
        source: Box<intercom_client::Error>,
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

    pub(crate) fn api(tool: &str, source: intercom_client::Error) -> ToolError {
        ToolError::Api {
            tool: tool.to_owned(),
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

fn field_message(field: &str, message: &str) -> String {
    if field.is_empty() {
        message.to_owned()
    } else {
        format!("`{field}` {message}")
    }
}
