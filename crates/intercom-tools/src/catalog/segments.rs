//! Segments: saved filters over contacts or companies.

use crate::catalog::FIND_SEGMENT;
use crate::spec::{Annotations, Handler, JsonType, Operation, Param, Tool, Toolset};

pub(crate) const TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_list_segments",
        title: "List segments",
        version: None,
        toolset: Toolset::SEGMENTS,
        description: "List the workspace's segments (saved contact filters); with include_count, each carries how many contacts it holds.",
        params: &[Param::query(
            "include_count",
            JsonType::Boolean,
            "Add the number of contacts in each segment.",
        )],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/segments", "listSegments")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_retrieve_segment",
        title: "Retrieve segment",
        version: None,
        toolset: Toolset::SEGMENTS,
        description: "Fetch one segment by id: name, the kind of people it holds and its count.",
        params: &[Param::path("segment_id", "Intercom id of the segment.").hint(FIND_SEGMENT)],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/segments/{segment_id}", "retrieveSegment")],
        handler: Handler::Direct,
    },
];
