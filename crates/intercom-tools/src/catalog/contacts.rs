//! Contacts: users and leads, and what is attached to them (tags, companies, segments).

use crate::catalog::{
    CONTACT_ID, FIND_ADMIN, FIND_COMPANY, FIND_TAG, PER_PAGE, SEARCH_PAGINATION, SEARCH_QUERY,
    SEARCH_QUERY_SHAPE, STARTING_AFTER,
};
use intercom_client::Request;

use crate::ToolError;
use crate::spec::{Annotations, Args, Handler, JsonType, Operation, Param, Rule, Tool, Toolset};

/// The writable fields of a contact, shared by create and update.
macro_rules! contact_fields {
    ($($extra:expr),* $(,)?) => {
        &[
            $($extra,)*
            Param::body("role", JsonType::String, "`user` (identified) or `lead` (anonymous).").one_of(&["user", "lead"]),
            Param::body("external_id", JsonType::String, "Your own unique id for the contact (case-sensitive).").non_empty(),
            Param::body("email", JsonType::String, "Email address.").non_empty(),
            Param::body("phone", JsonType::String, "Phone number."),
            Param::body("name", JsonType::String, "Full name."),
            Param::body("avatar", JsonType::String, "URL of an avatar image."),
            Param::body("signed_up_at", JsonType::Integer, "Unix time (seconds) the contact signed up.").min(0),
            Param::body("last_seen_at", JsonType::Integer, "Unix time (seconds) the contact was last seen.").min(0),
            Param::body("owner_id", JsonType::Integer, "Id of the admin who owns the contact.").hint(FIND_ADMIN),
            Param::body("unsubscribed_from_emails", JsonType::Boolean, "true unsubscribes the contact from emails."),
            Param::body("custom_attributes", JsonType::Object, "Contact data attributes to set, as name-value pairs. An object is preferred; the same object as a JSON string is accepted."),
        ]
    };
}

pub(crate) const TOOLS: &[Tool] = &[
    Tool {
        name: "intercom_search_contacts",
        title: "Search contacts",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "Find contacts with a structured filter on fields such as email, name, role, external_id, phone, created_at, last_seen_at, tag_id or custom_attributes.<name>. Returns one page and a cursor; newly created contacts can take a few minutes to become searchable.",
        params: &[
            SEARCH_QUERY,
            SEARCH_PAGINATION,
            Param::body(
                "sort",
                JsonType::Object,
                "Order of the results: `{\"field\": \"created_at\", \"order\": \"descending\"}`.",
            )
            .fields(SORT_FIELDS),
            Param::input("sort_field", JsonType::String, "Shorthand for sort.field (Sim's name).").non_empty(),
            Param::input("sort_order", JsonType::String, "Shorthand for sort.order (Sim's name).")
                .one_of(&["ascending", "descending"]),
        ],
        rules: &[
            SEARCH_QUERY_SHAPE,
            Rule::Check(check_sort_order),
        ],
        annotations: Annotations::READ,
        operations: &[Operation::post("/contacts/search", "SearchContacts").idempotent()],
        handler: Handler::Build(build_search_contacts),
    },
    Tool {
        name: "intercom_retrieve_contact",
        title: "Retrieve contact",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "Fetch one contact by Intercom id: role, email, name, custom attributes, location, and the first page of its tags, notes and companies.",
        params: &[CONTACT_ID],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/contacts/{contact_id}", "ShowContact")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_find_contact_by_external_id",
        title: "Find contact by external id",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "Fetch the contact whose external_id (your own id for them) matches exactly; the match is case-sensitive.",
        params: &[Param::path("external_id", "Your own id of the contact, as stored in external_id.")],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/contacts/find_by_external_id/{external_id}", "ShowContactByExternalId")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_list_contacts",
        title: "List contacts",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "List contacts (users and leads) one page at a time; pass the returned `pages.next.starting_after` to get the next page. To filter, use intercom_search_contacts.",
        params: &[
            PER_PAGE,
            STARTING_AFTER,
            Param::query(
                "page",
                JsonType::Integer,
                "Page number; kept for compatibility, Intercom pages contacts by cursor (starting_after).",
            )
            .min(1),
        ],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/contacts", "ListContacts")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_list_contact_tags",
        title: "List contact tags",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "List the tags attached to a contact.",
        params: &[CONTACT_ID],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/contacts/{contact_id}/tags", "listTagsForAContact")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_list_contact_segments",
        title: "List contact segments",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "List the segments a contact currently belongs to. Membership is computed by Intercom and can lag behind recent changes.",
        params: &[CONTACT_ID],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/contacts/{contact_id}/segments", "listSegmentsForAContact")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_list_contact_companies",
        title: "List contact companies",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "List the companies a contact is attached to.",
        params: &[CONTACT_ID],
        rules: &[],
        annotations: Annotations::READ,
        operations: &[Operation::get("/contacts/{contact_id}/companies", "listCompaniesForAContact")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_create_contact",
        title: "Create contact",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "Create a contact: a user (someone who signed up) or a lead. Give at least an email, an external_id or a role.",
        params: contact_fields!(),
        rules: &[Rule::AnyOf { fields: &["email", "external_id", "role"] }],
        annotations: Annotations::CREATE,
        operations: &[Operation::post("/contacts", "CreateContact")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_update_contact",
        title: "Update contact",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "Change fields of an existing contact; fields left out keep their value.",
        params: contact_fields!(CONTACT_ID),
        rules: &[Rule::AnyOf {
            fields: &[
                "role",
                "external_id",
                "email",
                "phone",
                "name",
                "avatar",
                "signed_up_at",
                "last_seen_at",
                "owner_id",
                "unsubscribed_from_emails",
                "custom_attributes",
            ],
        }],
        annotations: Annotations::UPDATE,
        operations: &[Operation::put("/contacts/{contact_id}", "UpdateContact")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_delete_contact",
        title: "Delete contact",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "Delete a contact for good, with its data. To hide a contact without losing it, archive it instead.",
        params: &[CONTACT_ID],
        rules: &[],
        annotations: Annotations::DELETE,
        operations: &[Operation::delete("/contacts/{contact_id}", "DeleteContact")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_attach_contact_to_company",
        title: "Attach contact to company",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "Attach a contact to a company, given the company's Intercom id.",
        params: &[
            CONTACT_ID,
            Param::body("id", JsonType::String, "Intercom id of the company (not your own company_id).")
                .required()
                .non_empty()
                .hint(FIND_COMPANY),
        ],
        rules: &[],
        annotations: Annotations::UPDATE,
        operations: &[Operation::post("/contacts/{contact_id}/companies", "attachContactToACompany").idempotent()],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_detach_contact_from_company",
        title: "Detach contact from company",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "Remove the link between a contact and a company; both stay in the workspace.",
        params: &[
            CONTACT_ID,
            Param::path("company_id", "Intercom id of the company.").hint(FIND_COMPANY),
        ],
        rules: &[],
        annotations: Annotations::DELETE,
        operations: &[Operation::delete("/contacts/{contact_id}/companies/{company_id}", "detachContactFromACompany")],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_attach_tag_to_contact",
        title: "Attach tag to contact",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "Tag a contact with an existing tag.",
        params: &[
            CONTACT_ID,
            Param::body("id", JsonType::String, "Intercom id of the tag.").required().non_empty().hint(FIND_TAG),
        ],
        rules: &[],
        annotations: Annotations::UPDATE,
        operations: &[Operation::post("/contacts/{contact_id}/tags", "attachTagToContact").idempotent()],
        handler: Handler::Direct,
    },
    Tool {
        name: "intercom_detach_tag_from_contact",
        title: "Detach tag from contact",
        version: None,
        toolset: Toolset::CONTACTS,
        description: "Remove a tag from a contact; the tag itself stays.",
        params: &[CONTACT_ID, Param::path("tag_id", "Intercom id of the tag.").hint(FIND_TAG)],
        rules: &[],
        annotations: Annotations::DELETE,
        operations: &[Operation::delete("/contacts/{contact_id}/tags/{tag_id}", "detachTagFromContact")],
        handler: Handler::Direct,
    },
];

const SORT_FIELDS: &[Param] = &[
    Param::field(
        "field",
        JsonType::String,
        "Field to order by, e.g. `created_at`, `last_seen_at`, `name`.",
    )
    .required()
    .non_empty(),
    Param::field("order", JsonType::String, "`ascending` or `descending`.")
        .one_of(&["ascending", "descending"]),
];

/// `sort_field`/`sort_order` (Sim's block) become the body's `sort` object.
fn build_search_contacts(tool: &Tool, args: &Args) -> Result<Request, ToolError> {
    let mut request = crate::build::direct(tool, args)?;
    let Some(field) = args.get("sort_field") else {
        return Ok(request);
    };
    if args.contains_key("sort") {
        return Err(ToolError::validation(
            tool.name,
            "sort_field",
            "and `sort` name the same thing: give only one",
        ));
    }
    let mut sort = serde_json::Map::new();
    sort.insert("field".to_owned(), field.clone());
    if let Some(order) = args.get("sort_order") {
        sort.insert("order".to_owned(), order.clone());
    }
    if let Some(serde_json::Value::Object(body)) = request.body.as_mut() {
        body.insert("sort".to_owned(), serde_json::Value::Object(sort));
    }
    Ok(request)
}

fn check_sort_order(args: &Args) -> Result<(), (&'static str, String)> {
    if args.contains_key("sort_order") && !args.contains_key("sort_field") {
        return Err((
            "sort_order",
            "needs sort_field: say which field to order by".to_owned(),
        ));
    }
    Ok(())
}
