//! Companies: accounts that contacts belong to.

use intercom_client::Request;

use crate::ToolError;
use crate::build;
use crate::catalog::{COMPANY_ID_PATH, FIND_SEGMENT, FIND_TAG};
use crate::spec::{Annotations, Args, Handler, JsonType, Operation, Param, Rule, Tool, Toolset};

/// The filters that turn a company listing into a lookup (GET /companies).
const FILTERS: &[&str] = &["name", "company_id", "tag_id", "segment_id"];

pub(crate) const TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_list_companies",
        title: "List companies",
        version: None,
        toolset: Toolset::COMPANIES,
        description: "List companies page by page, or look companies up by name, your company_id, a tag or a segment. Pages are numbered: read `pages.total_pages` and ask for the next page. For more than 10,000 companies use intercom_scroll_companies.",
        params: &[
            Param::query(
                "name",
                JsonType::String,
                "Only the company with exactly this name.",
            )
            .non_empty(),
            Param::query(
                "company_id",
                JsonType::String,
                "Only the company with this company_id (your own id for it).",
            )
            .non_empty(),
            Param::query("tag_id", JsonType::String, "Only companies with this tag.")
                .non_empty()
                .hint(FIND_TAG),
            Param::query(
                "segment_id",
                JsonType::String,
                "Only companies in this segment.",
            )
            .non_empty()
            .hint(FIND_SEGMENT),
            Param::query("page", JsonType::Integer, "Page number, from 1.").min(1),
            Param::query(
                "per_page",
                JsonType::Integer,
                "Companies per page (default 15).",
            )
            .min(1),
        ],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[
            Operation::get("/companies", "retrieveCompany"),
            Operation::post("/companies/list", "listAllCompanies").idempotent(),
        ],
        handler: Handler::Build(build_list),
    },
    Tool {
        name: "intercom_scroll_companies",
        title: "Scroll companies",
        version: None,
        toolset: Toolset::COMPANIES,
        description: "Walk through every company in batches, past the 10,000 limit of listing. The first call opens a scroll; pass the returned scroll_param to get the next batch, until `data` comes back empty. Only one scroll can be open per workspace, and it expires after a minute without use.",
        params: &[Param::query(
            "scroll_param",
            JsonType::String,
            "The scroll_param of the previous batch; leave it out to start.",
        )
        .non_empty()],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get(
            "/companies/scroll",
            "scrollOverAllCompanies",
        )],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_retrieve_company",
        title: "Retrieve company",
        version: None,
        toolset: Toolset::COMPANIES,
        description: "Fetch one company by Intercom id: name, company_id, plan, size, spend, user count, tags and segments.",
        params: &[COMPANY_ID_PATH],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get(
            "/companies/{company_id}",
            "RetrieveACompanyById",
        )],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_create_or_update_company",
        title: "Create or update company",
        version: None,
        toolset: Toolset::COMPANIES,
        description: "Create a company, or update the one with the same company_id (your own id for it, which cannot change later).",
        params: &[
            Param::body(
                "company_id",
                JsonType::String,
                "Your own unique id for the company; matches an existing company to update.",
            )
            .non_empty(),
            Param::body("name", JsonType::String, "Company name.").non_empty(),
            Param::body(
                "plan",
                JsonType::String,
                "Name of the plan the company is on.",
            ),
            Param::body("size", JsonType::Integer, "Number of employees.").min(0),
            Param::body("website", JsonType::String, "Website URL."),
            Param::body("industry", JsonType::String, "Industry."),
            Param::body(
                "monthly_spend",
                JsonType::Integer,
                "Revenue from the company per month, in whole units.",
            )
            .range(0, 2_147_483_647),
            Param::body(
                "remote_created_at",
                JsonType::Integer,
                "Unix time (seconds) the company was created in your system.",
            )
            .min(0),
            Param::body(
                "custom_attributes",
                JsonType::Object,
                "Company data attributes to set, as name-value pairs. An object is preferred; the same object as a JSON string is accepted.",
            ),
        ],
        rules: &[Rule::AnyOf {
            fields: &["company_id", "name"],
        }],
        annotations: Annotations::UPDATE,
        operations: &[Operation::post("/companies", "createOrUpdateCompany").idempotent()],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_list_company_contacts",
        title: "List company contacts",
        version: None,
        toolset: Toolset::COMPANIES,
        description: "List the contacts attached to a company.",
        params: &[COMPANY_ID_PATH],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get(
            "/companies/{company_id}/contacts",
            "ListAttachedContacts",
        )],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_list_company_segments",
        title: "List company segments",
        version: None,
        toolset: Toolset::COMPANIES,
        description: "List the segments a company belongs to.",
        params: &[COMPANY_ID_PATH],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get(
            "/companies/{company_id}/segments",
            "ListAttachedSegmentsForCompanies",
        )],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_delete_company",
        title: "Delete company",
        version: None,
        toolset: Toolset::COMPANIES,
        description: "Delete a company for good. Its contacts stay, detached from it.",
        params: &[COMPANY_ID_PATH],
        rules: &[],
        annotations: Annotations::DELETE,
        operations: &[Operation::delete(
            "/companies/{company_id}",
            "deleteCompany",
        )],
        handler: Handler::Direct,
    },
];

/// A lookup by filter goes to GET /companies; a plain listing to POST /companies/list.
fn build_list(tool: &Tool, args: &Args) -> Result<Request, ToolError> {
    let filtered = FILTERS.iter().any(|f| args.contains_key(*f));
    let op = if filtered {
        &tool.operations[0]
    } else {
        &tool.operations[1]
    };
    build::from_operation(tool, op, args)
}
