//! Tags: labels on contacts, companies, conversations and tickets.

use crate::catalog::FIND_TAG;
use crate::spec::{Annotations, Handler, Operation, Param, Tool, Toolset};

pub(crate) const TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_list_tags",
        title: "List tags",
        version: None,
        toolset: Toolset::TAGS,
        description: "List every tag of the workspace with its id and name.",
        params: &[],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/tags", "listTags")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_retrieve_tag",
        title: "Retrieve tag",
        version: None,
        toolset: Toolset::TAGS,
        description: "Fetch one tag by id, with its name.",
        params: &[Param::path("tag_id", "Intercom id of the tag.").hint(FIND_TAG)],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/tags/{tag_id}", "findTag")],
        handler: Handler::Direct,
    },
];
