//! Admins: the teammates of the workspace.

use crate::catalog::FIND_ADMIN;
use crate::spec::{Annotations, Handler, JsonType, Operation, Param, Resolve, Tool, Toolset};

pub(crate) const TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_list_admins",
        title: "List admins",
        version: None,
        toolset: Toolset::ADMINS,
        description: "List the workspace's admins (teammates) with id, name, email and away status. Start here to find the admin_id that replies, assignments, closing and reopening need.",
        params: &[Param::query(
            "display_avatar",
            JsonType::Boolean,
            "Include each admin's avatar image URL.",
        )],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/admins", "listAdmins")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_identify_admin",
        title: "Identify admin",
        version: None,
        toolset: Toolset::ADMINS,
        description: "Show the admin the access token acts as, with the workspace (app) it belongs to. Useful to check a token and to get your own admin_id.",
        params: &[],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/me", "identifyAdmin")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_retrieve_admin",
        title: "Retrieve admin",
        version: None,
        toolset: Toolset::ADMINS,
        description: "Fetch one admin by id: name, email, job title, away mode and team memberships.",
        params: &[Param::path(
            "admin_id",
            "The admin: an id, an email, a name, or `me` (the token's own admin).",
        )
        .hint(FIND_ADMIN)
        .resolve(Resolve::Admin)],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/admins/{admin_id}", "retrieveAdmin")],
        handler: Handler::Direct,
    },
];
