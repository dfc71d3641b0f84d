//! Tickets: search and retrieval. The ticket workflows (by customer, by status) are in
//! `workflows.rs`.

use crate::catalog::{SEARCH_PAGINATION, SEARCH_QUERY, SEARCH_QUERY_SHAPE};
use crate::spec::{Annotations, Handler, Operation, Param, Tool, Toolset};

pub(crate) const FIND_TICKET: &str =
    "call intercom_search_tickets or intercom_search_tickets_by_status to find one";

pub(crate) const TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_search_tickets",
        title: "Search tickets",
        version: None,
        toolset: Toolset::TICKETS,
        description: "Find tickets with a structured filter on fields such as state (submitted, in_progress, waiting_on_customer, resolved), open, category (request, task, tracker), ticket_type_id, contact_ids, admin_assignee_id, created_at, title or ticket_attribute.<id>. Returns one page and a cursor.",
        params: &[SEARCH_QUERY, SEARCH_PAGINATION],
        rules: &[SEARCH_QUERY_SHAPE],
        annotations: Annotations::READ,
        operations: &[Operation::post("/tickets/search", "searchTickets").idempotent()],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_retrieve_ticket",
        title: "Retrieve ticket",
        version: None,
        toolset: Toolset::TICKETS,
        description: "Fetch one ticket by id: its type, state, attributes (title, description and the type's own), contacts, assignees and parts.",
        params: &[Param::path("ticket_id", "Intercom id of the ticket.").hint(FIND_TICKET)],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/tickets/{ticket_id}", "getTicket")],
        handler: Handler::Direct,
    },
];
