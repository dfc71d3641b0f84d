//! Teammates by name, email or `me`: the matching rules without a socket, then the tools against
//! a sandbox, with the lookups counted from its request log.

use intercom_client::Request;
use intercom_tools::resolve::{Admin, Found, Kind, Miss, Team, find, is_id, is_me};
use intercom_tools::{Registry, ToolError};
use serde_json::{Value, json};

use crate::harness::Env;

fn admin(id: &str, name: &str, email: &str) -> Admin {
    Admin {
        id: id.into(),
        name: name.into(),
        email: email.into(),
    }
}

fn team(id: &str, name: &str) -> Team {
    Team {
        id: id.into(),
        name: name.into(),
    }
}

fn people() -> (Vec<Admin>, Vec<Team>) {
    (
        vec![
            admin("1", "Maya Brennan", "maya@example.com"),
            admin("2", "Tomás Ortega", "tomas@example.com"),
            admin("3", "Maya Lopez", "maya.l@example.com"),
            admin("4", "Billing Bot", "bot@example.com"),
        ],
        vec![team("10", "Support"), team("11", "Billing")],
    )
}

fn found_id(result: Result<Found, Miss>) -> (String, Kind) {
    let f = result.unwrap_or_else(|m| panic!("{m:?}"));
    (f.id, f.kind)
}

#[test]
fn names_emails_and_teams_resolve() {
    let (admins, teams) = people();
    let with_teams = Some(teams.as_slice());
    let table: &[(&str, Option<&[Team]>, &str, Kind)] = &[
        ("TOMAS@example.com", None, "2", Kind::Admin),
        ("maya brennan", None, "1", Kind::Admin),
        ("  Maya   Brennan ", with_teams, "1", Kind::Admin),
        ("Tomás", None, "2", Kind::Admin),
        ("tom", None, "2", Kind::Admin),
        ("Lopez", None, "3", Kind::Admin),
        ("billing", with_teams, "11", Kind::Team),
        ("support", with_teams, "10", Kind::Team),
        // Without teams, "Billing" is the start of an admin's name.
        ("billing", None, "4", Kind::Admin),
    ];
    for (query, teams, id, kind) in table {
        assert_eq!(
            found_id(find(query, &admins, *teams)),
            ((*id).to_owned(), *kind),
            "{query}"
        );
    }
}

#[test]
fn ambiguous_and_unknown_names_list_candidates() {
    let (admins, teams) = people();
    let miss = find("Maya", &admins, Some(&teams)).unwrap_err();
    assert_eq!(
        miss,
        Miss::Ambiguous(vec![
            "Maya Brennan <maya@example.com> (admin 1)".into(),
            "Maya Lopez <maya.l@example.com> (admin 3)".into(),
        ])
    );
    assert_eq!(
        miss.message("Maya", true),
        "`Maya` matches 2 teammates: Maya Brennan <maya@example.com> (admin 1), Maya Lopez <maya.l@example.com> (admin 3); give one's id or email"
    );
    // A prefix shared by an admin and a team is ambiguous too.
    let miss = find("bil", &admins, Some(&teams)).unwrap_err();
    assert_eq!(
        miss,
        Miss::Ambiguous(vec![
            "Billing Bot <bot@example.com> (admin 4)".into(),
            "Billing (team 11)".into(),
        ])
    );

    let miss = find("Maya Brenan", &admins, None).unwrap_err();
    let Miss::Unknown(near) = &miss else {
        panic!("{miss:?}")
    };
    assert_eq!(near[0], "Maya Brennan <maya@example.com> (admin 1)");
    assert!(
        miss.message("Maya Brenan", false).starts_with(
            "no admin has the id, email or name `Maya Brenan`; candidates: Maya Brennan"
        ),
    );
    let miss = find("zed@nowhere.test", &admins, None).unwrap_err();
    assert_eq!(miss, Miss::Unknown(vec![]));
    assert_eq!(
        miss.message("zed@nowhere.test", true),
        "no admin or team has the id, email or name `zed@nowhere.test`; call intercom_list_admins or intercom_list_teams to see them"
    );
}

#[test]
fn ids_and_me_are_recognised() {
    assert!(is_id("991200000") && is_id("0"));
    assert!(!is_id("12a") && !is_id("") && !is_id("me"));
    assert!(is_me("me") && is_me(" ME ") && !is_me("meg"));
}

#[test]
fn schemas_say_that_names_are_accepted() {
    let registry = Registry::builtin();
    for (tool, field) in [
        ("intercom_reply_to_conversation", "admin_id"),
        ("intercom_manage_conversation", "admin_id"),
        ("intercom_manage_conversation", "assignee_id"),
        ("intercom_retrieve_admin", "admin_id"),
    ] {
        let schema = registry.tool(tool).unwrap().input_schema();
        let description = schema["properties"][field]["description"].as_str().unwrap();
        assert!(
            description.contains("email")
                && description.contains("name")
                && description.contains("`me`"),
            "{tool}.{field}: {description}"
        );
    }
}

/// Sandbox admins by name.
async fn admin_id(env: &Env, name: &str) -> String {
    let admins = env.api(Request::get("/admins")).await;
    admins["admins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("no admin {name}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn team_id(env: &Env, name: &str) -> String {
    let teams = env.api(Request::get("/teams")).await;
    teams["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn last_part(conversation: &Value) -> Value {
    conversation["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn teammates_by_name_email_and_me_against_the_sandbox() {
    let env = Env::start().await;
    let contact = env.contact("res@resolve.test", "Res").await;
    let conv = env
        .conversation(&contact, "Where is my parcel?", jiff::Timestamp::now())
        .await;
    let me = env.api(Request::get("/me")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let priya = admin_id(&env, "Priya Raman").await;
    let jonas = admin_id(&env, "Jonas Weber").await;
    let billing = team_id(&env, "Billing").await;
    env.take_log().await;

    // `me`: one GET /me, then the reply.
    let c = env
        .call(
            "intercom_reply_to_conversation",
            json!({"conversation_id": conv, "admin_id": "me", "body": "On it"}),
        )
        .await;
    assert_eq!(last_part(&c)["author"]["id"], me.as_str());
    assert_eq!(
        env.take_log().await,
        [
            "GET /me",
            format!("POST /conversations/{conv}/reply").as_str()
        ]
    );

    // An email: one GET /admins.
    let c = env
        .call(
            "INTERCOM_REPLY_TO_CONVERSATION",
            json!({"id": conv, "admin_id": "PRIYA@sandbox-support.example", "message_type": "note", "body": "Checked the carrier"}),
        )
        .await;
    assert_eq!(last_part(&c)["author"]["id"], priya.as_str());
    assert_eq!(
        env.take_log().await,
        [
            "GET /admins",
            format!("POST /conversations/{conv}/reply").as_str()
        ]
    );

    // A name: the admin list is kept for this client, so no lookup at all.
    let c = env
        .call(
            "INTERCOM_CLOSE_CONVERSATION",
            json!({"id": conv, "admin_id": "jonas weber", "body": "Delivered"}),
        )
        .await;
    assert_eq!(c["state"], "closed");
    assert_eq!(last_part(&c)["author"]["id"], jonas.as_str());
    assert_eq!(
        env.take_log().await,
        [format!("POST /conversations/{conv}/parts")]
    );

    // A team by name as the assignee: type becomes `team`.
    let c = env
        .call(
            "INTERCOM_ASSIGN_CONVERSATION",
            json!({"id": conv, "admin_id": "me", "assignee_id": "Billing"}),
        )
        .await;
    assert_eq!(c["team_assignee_id"].to_string().trim_matches('"'), billing);
    assert_eq!(
        env.take_log().await,
        [
            "GET /teams",
            format!("POST /conversations/{conv}/parts").as_str()
        ]
    );

    // retrieve_admin takes `me` too.
    let a = env
        .call("intercom_retrieve_admin", json!({"admin_id": "me"}))
        .await;
    assert_eq!(a["id"], me.as_str());
    assert_eq!(env.take_log().await, [format!("GET /admins/{me}")]);

    // Ids go through untouched, with no lookup.
    env.call("intercom_retrieve_admin", json!({"admin_id": priya}))
        .await;
    assert_eq!(env.take_log().await, [format!("GET /admins/{priya}")]);
    env.stop().await;
}

#[tokio::test]
async fn unknown_and_ambiguous_teammates_are_refused_before_the_write() {
    let env = Env::start().await;
    let contact = env.contact("res2@resolve.test", "Res").await;
    let conv = env
        .conversation(&contact, "Hello", jiff::Timestamp::now())
        .await;
    env.take_log().await;

    let err = env
        .call_err(
            "intercom_reply_to_conversation",
            json!({"conversation_id": conv, "admin_id": "Zed Nobody", "body": "hi"}),
        )
        .await;
    let ToolError::Validation { field, message, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(field, "admin_id");
    assert!(
        message.starts_with("no admin has the id, email or name `Zed Nobody`"),
        "{message}"
    );

    // "S" starts an admin's name and a team's: both are listed.
    let err = env
        .call_err(
            "intercom_manage_conversation",
            json!({"conversation_id": conv, "admin_id": "me", "message_type": "assignment", "assignee_id": "S"}),
        )
        .await;
    let ToolError::Validation { field, message, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(field, "assignee_id");
    assert!(
        message.starts_with("`S` matches 2 teammates: Samuel Osei <"),
        "{message}"
    );
    assert!(message.contains("Support (team "), "{message}");

    // Only lookups were sent, never a write.
    let log = env.take_log().await;
    assert!(log.iter().all(|l| l.starts_with("GET ")), "{log:?}");
    env.stop().await;
}
