//! Prompts for the seed workflows: triage the open inbox, a customer's history, a ticket's
//! status. Each is one user message that says which tools to call, in which order, and what to
//! report; the arguments fill it in.

use rmcp::ErrorData;
use rmcp::model::{GetPromptResult, Prompt, PromptArgument, PromptMessage, Role};
use serde_json::{Map, Value, json};

struct Spec {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    /// `(name, description, required)`.
    arguments: &'static [(&'static str, &'static str, bool)],
    render: fn(&Map<String, Value>) -> String,
}

const PROMPTS: &[Spec] = &[
    Spec {
        name: "triage_open_inbox",
        title: "Triage the open inbox",
        description: "Go through the open conversations, oldest waiting first, and propose for each who should take it and what to answer.",
        arguments: &[
            (
                "team",
                "Only conversations assigned to this team (name or id).",
                false,
            ),
            (
                "limit",
                "How many conversations to look at (default 20).",
                false,
            ),
        ],
        render: triage,
    },
    Spec {
        name: "customer_history",
        title: "A customer's history",
        description: "Summarise everything about one customer: their contact record, company, recent conversations and tickets.",
        arguments: &[("email", "The customer's email address.", true)],
        render: customer,
    },
    Spec {
        name: "ticket_status",
        title: "A ticket's status",
        description: "Explain where one ticket stands: its state, who has it, the last exchanges, and what it is waiting on.",
        arguments: &[("ticket_id", "The ticket's id.", true)],
        render: ticket,
    },
];

fn arg<'a>(args: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn triage(args: &Map<String, Value>) -> String {
    let limit = arg(args, "limit").unwrap_or("20");
    let scope = match arg(args, "team") {
        Some(team) => {
            format!(" assigned to the team `{team}` (find its id with intercom_list_teams)")
        }
        None => String::new(),
    };
    format!(
        "Triage the open Intercom inbox. Call intercom_search_conversations for conversations with state `open`{scope}, sorted by waiting time, at most {limit}. For each, read it with intercom_retrieve_conversation when the summary is not enough. Then give a table: conversation id, customer, what they want in one line, how long they have waited, and your proposal (assign to whom, reply with what, or close). Do not reply, assign or close anything until I confirm."
    )
}

fn customer(args: &Map<String, Value>) -> String {
    let email = arg(args, "email").unwrap_or_default();
    format!(
        "Give me the history of the customer with the email `{email}`. Find the contact with intercom_search_contacts (field `email`), then read it with intercom_retrieve_contact and its companies with intercom_list_contact_companies. List their conversations with intercom_search_conversations_by_customer and their tickets with intercom_search_tickets_by_customer. Summarise: who they are, their company and plan, each conversation and ticket in one line (date, topic, state), and anything still open."
    )
}

fn ticket(args: &Map<String, Value>) -> String {
    let id = arg(args, "ticket_id").unwrap_or_default();
    format!(
        "Tell me where the Intercom ticket `{id}` stands. Read it with intercom_retrieve_ticket. Report its type, state, assignee (admin and team), the customer, when it was opened and last updated, the last two or three exchanges, and what it is waiting on (us or the customer)."
    )
}

/// The prompts, as `prompts/list` shows them.
pub fn list() -> Vec<Prompt> {
    PROMPTS
        .iter()
        .map(|p| {
            let arguments = p
                .arguments
                .iter()
                .map(|(name, description, required)| {
                    PromptArgument::new(*name)
                        .with_description(*description)
                        .with_required(*required)
                })
                .collect();
            let mut prompt = Prompt::new(p.name, Some(p.description), Some(arguments));
            prompt.title = Some(p.title.to_owned());
            prompt
        })
        .collect()
}

/// `prompts/get`: the prompt filled in, or an invalid-params error naming the argument.
pub fn get(name: &str, args: Option<&Map<String, Value>>) -> Result<GetPromptResult, ErrorData> {
    let Some(spec) = PROMPTS.iter().find(|p| p.name == name) else {
        return Err(ErrorData::invalid_params(
            format!(
                "unknown prompt `{name}`: expected one of {}",
                PROMPTS
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None,
        ));
    };
    let empty = Map::new();
    let args = args.unwrap_or(&empty);
    for (arg_name, _, required) in spec.arguments {
        if *required && arg(args, arg_name).is_none() {
            return Err(ErrorData::invalid_params(
                format!("prompt `{name}`: argument `{arg_name}` is required"),
                Some(json!({ "argument": arg_name })),
            ));
        }
    }
    if let Some(unknown) = args
        .keys()
        .find(|k| !spec.arguments.iter().any(|(a, _, _)| a == k))
    {
        return Err(ErrorData::invalid_params(
            format!(
                "prompt `{name}`: unknown argument `{unknown}`; it takes {}",
                spec.arguments
                    .iter()
                    .map(|a| a.0)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None,
        ));
    }
    if let Some(limit) = arg(args, "limit")
        && !limit.parse::<u32>().is_ok_and(|n| (1..=150).contains(&n))
    {
        {
            return Err(ErrorData::invalid_params(
                format!("prompt `{name}`: argument `limit` must be a whole number from 1 to 150"),
                None,
            ));
        }
    }
    let mut result = GetPromptResult::new(vec![PromptMessage::new_text(
        Role::User,
        (spec.render)(args),
    )]);
    result.description = Some(spec.description.to_owned());
    Ok(result)
}
