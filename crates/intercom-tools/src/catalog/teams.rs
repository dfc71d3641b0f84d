//! Teams: groups of admins that conversations can be assigned to.

use crate::catalog::FIND_TEAM;
use crate::spec::{Annotations, Handler, Operation, Param, Tool, Toolset};

pub(crate) const TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_list_teams",
        title: "List teams",
        version: None,
        toolset: Toolset::TEAMS,
        description: "List the workspace's teams with their ids, names and member admin ids. A team id can be an assignee_id.",
        params: &[],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/teams", "listTeams")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_retrieve_team",
        title: "Retrieve team",
        version: None,
        toolset: Toolset::TEAMS,
        description: "Fetch one team by id, with the ids of its admins.",
        params: &[Param::path("team_id", "Intercom id of the team.").hint(FIND_TEAM)],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/teams/{team_id}", "retrieveTeam")],
        handler: Handler::Direct,
    },
];
