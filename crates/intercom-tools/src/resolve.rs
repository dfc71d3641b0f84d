//! Teammates by name: wherever a tool takes an admin (`admin_id`) or an assignee (`assignee_id`),
//! an email, a name or `me` is accepted as well as an id, and looked up before the request is
//! built.
//!
//! - An id (digits only, `0` included) is sent as it is, with no lookup.
//! - `me` is the admin the token acts as (`GET /me`).
//! - An email matches an admin's email exactly (ignoring case).
//! - A name matches an admin's (or, for assignees, a team's) name exactly, ignoring case; failing
//!   that, a unique admin or team whose name starts with it or has it as a whole word ("Ana"
//!   finds "Ana García").
//! - Several matches, or none, refuse the call with the candidates listed.
//!
//! The admins (`GET /admins`), teams (`GET /teams`) and `/me` are fetched once per client and
//! kept with it ([`Client::extension`]: clones share them, another client has its own); an
//! unknown name makes one fresh fetch when the kept list is more than a minute old. `/me` also gives the
//! workspace's time zone, which the date filters use.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use intercom_client::{Client, Request};
use jiff::tz::TimeZone;
use serde_json::Value;

use crate::ToolError;
use crate::registry::Call;
use crate::spec::Resolve;

/// An admin (teammate) of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// A team of admins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: String,
    pub name: String,
}

/// The admin the token acts as, and what `/me` says about the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    pub id: String,
    pub name: String,
    pub email: String,
    /// The workspace's IANA time zone (`app.timezone`), when Intercom gives one.
    pub time_zone: Option<String>,
    /// The workspace's app id (`app.id_code`), used in links to the Intercom app.
    pub app_id_code: Option<String>,
}

/// What a name was found to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Admin,
    Team,
}

/// A name resolved to an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: String,
    pub kind: Kind,
    /// `Ana García <ana@example.com>`, `team Billing`.
    pub label: String,
}

/// Why a name could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    /// Several teammates match; each candidate as `label (admin|team <id>)`.
    Ambiguous(Vec<String>),
    /// None matches; the nearest candidates, if any.
    Unknown(Vec<String>),
}

impl Miss {
    /// The message of a validation error for `value`.
    pub fn message(&self, value: &str, teams: bool) -> String {
        let what = if teams { "admin or team" } else { "admin" };
        match self {
            Miss::Ambiguous(candidates) => format!(
                "`{value}` matches {} teammates: {}; give one's id or email",
                candidates.len(),
                candidates.join(", ")
            ),
            Miss::Unknown(near) if near.is_empty() => format!(
                "no {what} has the id, email or name `{value}`; call intercom_list_admins{} to see them",
                if teams { " or intercom_list_teams" } else { "" }
            ),
            Miss::Unknown(near) => format!(
                "no {what} has the id, email or name `{value}`; candidates: {}",
                near.join(", ")
            ),
        }
    }
}

/// True when `value` is an id (digits only), which is used as it is.
pub fn is_id(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit())
}

/// True when `value` means the token's own admin.
pub fn is_me(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("me")
}

fn admin_label(a: &Admin) -> String {
    if a.email.is_empty() {
        a.name.clone()
    } else {
        format!("{} <{}>", a.name, a.email)
    }
}

fn candidate_admin(a: &Admin) -> String {
    format!("{} (admin {})", admin_label(a), a.id)
}

fn candidate_team(t: &Team) -> String {
    format!("{} (team {})", t.name, t.id)
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Finds the one admin (or team, when `teams` is given) that `query` names. `me` and ids are
/// handled by the caller.
pub fn find(query: &str, admins: &[Admin], teams: Option<&[Team]>) -> Result<Found, Miss> {
    let q = fold(query);
    let teams = teams.unwrap_or(&[]);
    let found_admin = |a: &Admin| Found {
        id: a.id.clone(),
        kind: Kind::Admin,
        label: admin_label(a),
    };
    let found_team = |t: &Team| Found {
        id: t.id.clone(),
        kind: Kind::Team,
        label: format!("team {}", t.name),
    };

    if q.contains('@') {
        let hits: Vec<&Admin> = admins
            .iter()
            .filter(|a| a.email.eq_ignore_ascii_case(&q))
            .collect();
        return match hits.as_slice() {
            [one] => Ok(found_admin(one)),
            [] => {
                let emails: Vec<&str> = admins.iter().map(|a| a.email.as_str()).collect();
                Err(Miss::Unknown(
                    nearest(&q, &emails, 3)
                        .into_iter()
                        .filter_map(|e| admins.iter().find(|a| a.email == e))
                        .map(candidate_admin)
                        .collect(),
                ))
            }
            many => Err(Miss::Ambiguous(
                many.iter().map(|a| candidate_admin(a)).collect(),
            )),
        };
    }

    let pick = |admin_hits: Vec<&Admin>, team_hits: Vec<&Team>| -> Option<Result<Found, Miss>> {
        match (admin_hits.as_slice(), team_hits.as_slice()) {
            ([], []) => None,
            ([one], []) => Some(Ok(found_admin(one))),
            ([], [one]) => Some(Ok(found_team(one))),
            (a, t) => Some(Err(Miss::Ambiguous(
                a.iter()
                    .map(|x| candidate_admin(x))
                    .chain(t.iter().map(|x| candidate_team(x)))
                    .collect(),
            ))),
        }
    };

    let exact = pick(
        admins.iter().filter(|a| fold(&a.name) == q).collect(),
        teams.iter().filter(|t| fold(&t.name) == q).collect(),
    );
    if let Some(result) = exact {
        return result;
    }
    let partial = |name: &str| {
        let n = fold(name);
        n.starts_with(&q) || n.split(' ').any(|w| w == q)
    };
    let loose = pick(
        admins.iter().filter(|a| partial(&a.name)).collect(),
        teams.iter().filter(|t| partial(&t.name)).collect(),
    );
    if let Some(result) = loose {
        return result;
    }
    let names: Vec<&str> = admins
        .iter()
        .map(|a| a.name.as_str())
        .chain(teams.iter().map(|t| t.name.as_str()))
        .collect();
    Err(Miss::Unknown(
        nearest(&q, &names, 3)
            .into_iter()
            .filter_map(|n| {
                admins
                    .iter()
                    .find(|a| a.name == n)
                    .map(candidate_admin)
                    .or_else(|| teams.iter().find(|t| t.name == n).map(candidate_team))
            })
            .collect(),
    ))
}

/// Up to `n` candidates similar to `query` (Jaro-Winkler ≥ 0.75), best first.
fn nearest<'a>(query: &str, candidates: &[&'a str], n: usize) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(query, &c.to_lowercase()), *c))
        .filter(|(s, _)| *s >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

// ---- the per-client directory ----

/// How long a kept admin or team list is trusted before an unknown name refetches it.
const REFRESH_AFTER: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Directory {
    admins: Option<(Instant, Arc<Vec<Admin>>)>,
    teams: Option<(Instant, Arc<Vec<Team>>)>,
    me: Option<Arc<Me>>,
}

/// The directory kept with each client (clones share it; another client has its own).
#[derive(Clone, Default)]
struct SharedDirectory(Arc<Mutex<Directory>>);

fn with_directory<T>(client: &Client, f: impl FnOnce(&mut Directory) -> T) -> T {
    let shared = client.extension(SharedDirectory::default);
    let mut directory = shared.0.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut directory)
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The admin the token acts as, from `GET /me` (fetched once per client).
pub async fn me(client: &Client) -> Result<Arc<Me>, intercom_client::Error> {
    if let Some(me) = with_directory(client, |d| d.me.clone()) {
        return Ok(me);
    }
    let body = client.json(&Request::get("/me")).await?;
    let app = body.get("app").cloned().unwrap_or(Value::Null);
    let me = Arc::new(Me {
        id: text(&body, "id"),
        name: text(&body, "name"),
        email: text(&body, "email"),
        time_zone: app
            .get("timezone")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        app_id_code: app
            .get("id_code")
            .and_then(Value::as_str)
            .map(str::to_owned),
    });
    with_directory(client, |d| d.me = Some(me.clone()));
    Ok(me)
}

/// The workspace's time zone (`app.timezone` of `/me`) and its name; UTC when Intercom gives
/// none or one jiff does not know.
pub async fn workspace_time_zone(
    client: &Client,
) -> Result<(TimeZone, String), intercom_client::Error> {
    let me = me(client).await?;
    Ok(me
        .time_zone
        .as_deref()
        .and_then(|name| TimeZone::get(name).ok().map(|tz| (tz, name.to_owned())))
        .unwrap_or_else(|| (TimeZone::UTC, "UTC".to_owned())))
}

/// The workspace's admins (`GET /admins`), kept per client; `fresh` refetches a list older than
/// a minute.
pub async fn admins(
    client: &Client,
    fresh: bool,
) -> Result<Arc<Vec<Admin>>, intercom_client::Error> {
    let kept = with_directory(client, |d| d.admins.clone());
    if let Some((at, list)) = kept
        && (!fresh || at.elapsed() < REFRESH_AFTER)
    {
        return Ok(list);
    }
    let body = client.json(&Request::get("/admins")).await?;
    let list: Vec<Admin> = body
        .get("admins")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|v| Admin {
                    id: text(v, "id"),
                    name: text(v, "name"),
                    email: text(v, "email"),
                })
                .collect()
        })
        .unwrap_or_default();
    let list = Arc::new(list);
    with_directory(client, |d| d.admins = Some((Instant::now(), list.clone())));
    Ok(list)
}

/// The workspace's teams (`GET /teams`), kept like [`admins`].
pub async fn teams(client: &Client, fresh: bool) -> Result<Arc<Vec<Team>>, intercom_client::Error> {
    let kept = with_directory(client, |d| d.teams.clone());
    if let Some((at, list)) = kept
        && (!fresh || at.elapsed() < REFRESH_AFTER)
    {
        return Ok(list);
    }
    let body = client.json(&Request::get("/teams")).await?;
    let list: Vec<Team> = body
        .get("teams")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|v| Team {
                    id: text(v, "id"),
                    name: text(v, "name"),
                })
                .collect()
        })
        .unwrap_or_default();
    let list = Arc::new(list);
    with_directory(client, |d| d.teams = Some((Instant::now(), list.clone())));
    Ok(list)
}

/// Resolves one teammate value for `kind`: ids pass through, `me`, emails and names are looked
/// up. Errors are validation errors on `field` of `tool`.
pub async fn teammate(
    client: &Client,
    tool: &str,
    field: &str,
    value: &str,
    kind: Resolve,
) -> Result<Found, ToolError> {
    let value = value.trim();
    if is_id(value) {
        return Ok(Found {
            id: value.to_owned(),
            kind: Kind::Admin,
            label: value.to_owned(),
        });
    }
    let api = |e| ToolError::api(tool, e);
    if is_me(value) {
        let me = me(client).await.map_err(api)?;
        return Ok(Found {
            id: me.id.clone(),
            kind: Kind::Admin,
            label: format!("{} <{}>", me.name, me.email),
        });
    }
    let with_teams = kind == Resolve::Assignee && !value.contains('@');
    let mut fresh = false;
    loop {
        let admin_list = admins(client, fresh).await.map_err(api)?;
        let team_list = if with_teams {
            Some(teams(client, fresh).await.map_err(api)?)
        } else {
            None
        };
        match find(value, &admin_list, team_list.as_deref().map(Vec::as_slice)) {
            Ok(found) => return Ok(found),
            Err(Miss::Unknown(_)) if !fresh && stale(client) => fresh = true,
            Err(miss) => {
                return Err(ToolError::validation(
                    tool,
                    field,
                    miss.message(value, with_teams),
                ));
            }
        }
    }
}

/// True when the kept admin list is old enough to refetch on a miss.
fn stale(client: &Client) -> bool {
    with_directory(client, |d| {
        d.admins
            .as_ref()
            .is_some_and(|(at, _)| at.elapsed() >= REFRESH_AFTER)
    })
}

impl Call {
    /// The call with every teammate parameter (admin or assignee) given as a name, email or
    /// `me` replaced by its id, or `None` when there is nothing to look up. A name that resolves
    /// to a team sets the tool's `type` parameter to `team`.
    pub async fn resolve_names(&self, client: &Client) -> Result<Option<Call>, ToolError> {
        let mut resolved: Option<Call> = None;
        for p in self.tool.params {
            let Some(kind) = p.resolve else { continue };
            let Some(Value::String(value)) = self.args.get(p.name) else {
                continue;
            };
            if is_id(value.trim()) {
                continue;
            }
            let found = teammate(client, self.tool.name, p.name, value, kind).await?;
            let call = resolved.get_or_insert_with(|| self.clone());
            call.args
                .insert(p.name.to_owned(), Value::String(found.id.clone()));
            if kind == Resolve::Assignee && self.tool.param("type").is_some() {
                let ty = match found.kind {
                    Kind::Admin => "admin",
                    Kind::Team => "team",
                };
                call.args
                    .insert("type".to_owned(), Value::String(ty.to_owned()));
            }
            tracing::debug!(tool = self.tool.name, field = p.name, resolved = %found.label, "resolved a teammate");
        }
        Ok(resolved)
    }
}
