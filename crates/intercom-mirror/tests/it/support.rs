//! A CI-sized sandbox on 127.0.0.1, a client for it, its request log, and the comparison of a
//! mirror with the sandbox.

use std::collections::BTreeMap;

use futures::TryStreamExt as _;
use intercom_client::{Client, Config, PageStyle, Request};
use intercom_mirror::{Resource, Store};
use intercom_sandbox::{DEFAULT_TOKEN, RunningSandbox, Sandbox, SandboxConfig};
use serde_json::{Value, json};

pub struct Env {
    pub client: Client,
    pub base_url: String,
    pub me: String,
    _running: RunningSandbox,
}

impl Env {
    /// 60 contacts, 80 conversations, 20 tickets; a rate limit high enough that pacing never
    /// waits.
    pub async fn start() -> Env {
        Env::sized(60, 80, 20).await
    }

    /// `contacts`, `conversations` and `tickets`, with no rate limit to speak of.
    pub async fn sized(contacts: usize, conversations: usize, tickets: usize) -> Env {
        let sandbox = Sandbox::open(
            SandboxConfig::default()
                .contacts(contacts)
                .conversations(conversations)
                .tickets(tickets)
                .rate_limit_per_window(1_000_000),
        )
        .unwrap();
        let me = sandbox.me_admin_id();
        let running = sandbox.bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let base_url = running.base_url();
        let client = Client::new(Config::new(DEFAULT_TOKEN).base_url(&base_url).unwrap()).unwrap();
        Env {
            client,
            base_url,
            me,
            _running: running,
        }
    }

    pub async fn json(&self, request: Request) -> Value {
        self.client.json(&request).await.unwrap()
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let http = reqwest::Client::new();
        let mut request = http.request(method, format!("{}{path}", self.base_url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap_or(Value::Null)
    }

    /// The request log as `METHOD path` lines, then cleared.
    pub async fn take_requests(&self) -> Vec<String> {
        let log = self
            .control(reqwest::Method::GET, "/_sandbox/requests", None)
            .await;
        self.control(reqwest::Method::DELETE, "/_sandbox/requests", None)
            .await;
        log["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["method"].as_str().unwrap(),
                    r["path"].as_str().unwrap()
                )
            })
            .collect()
    }

    pub async fn fault(&self, fault: Value) {
        self.control(reqwest::Method::POST, "/_sandbox/faults", Some(fault))
            .await;
    }

    pub async fn clear_faults(&self) {
        self.control(reqwest::Method::DELETE, "/_sandbox/faults", None)
            .await;
    }

    /// Every id of `resource` with its `updated_at`, from the API's plain list (150 a page),
    /// for comparing a large mirror without reading every conversation whole.
    pub async fn listed_updated_at(&self, resource: Resource) -> BTreeMap<String, i64> {
        let (request, style) = match resource {
            Resource::Contacts => (
                Request::get("/contacts").query("per_page", "150"),
                PageStyle::cursor_query("data"),
            ),
            Resource::Conversations => (
                Request::get("/conversations").query("per_page", "150"),
                PageStyle::cursor_query("conversations"),
            ),
            other => panic!("{other} is compared whole"),
        };
        self.all(request, style)
            .await
            .iter()
            .map(|d| (id_of(d), d["updated_at"].as_i64().unwrap()))
            .collect()
    }

    /// One conversation whole, as the sandbox serves it now.
    pub async fn conversation(&self, id: &str) -> Value {
        self.json(Request::get(format!("/conversations/{id}")))
            .await
    }

    async fn all(&self, request: Request, style: PageStyle) -> Vec<Value> {
        self.client
            .paginate(request, style)
            .try_collect()
            .await
            .unwrap()
    }

    fn search(path: &str) -> Request {
        Request::post(
            path,
            json!({"query": {"field": "created_at", "operator": ">", "value": 0}, "pagination": {"per_page": 150}}),
        )
        .idempotent()
    }

    /// Every document of `resource` as the sandbox serves it now, by id. Conversations are
    /// read one by one (with their parts); contacts by their list, not by the search the sync
    /// uses.
    pub async fn server_docs(&self, resource: Resource) -> BTreeMap<String, Value> {
        let docs = match resource {
            Resource::Admins => {
                self.all(Request::get("/admins"), PageStyle::cursor_query("admins"))
                    .await
            }
            Resource::Teams => {
                self.all(Request::get("/teams"), PageStyle::cursor_query("teams"))
                    .await
            }
            Resource::Tags => {
                self.all(Request::get("/tags"), PageStyle::cursor_query("data"))
                    .await
            }
            Resource::Segments => {
                self.all(
                    Request::get("/segments"),
                    PageStyle::cursor_query("segments"),
                )
                .await
            }
            Resource::Companies => {
                self.all(
                    Request::get("/companies").query("per_page", "7"),
                    PageStyle::page_number("data"),
                )
                .await
            }
            Resource::Articles => {
                self.all(Request::get("/articles"), PageStyle::page_number("data"))
                    .await
            }
            Resource::Contacts => {
                self.all(
                    Request::get("/contacts").query("per_page", "50"),
                    PageStyle::cursor_query("data"),
                )
                .await
            }
            Resource::Tickets => {
                self.all(
                    Env::search("/tickets/search"),
                    PageStyle::cursor_body("tickets"),
                )
                .await
            }
            Resource::Conversations => {
                let listed = self
                    .all(
                        Request::get("/conversations").query("per_page", "50"),
                        PageStyle::cursor_query("conversations"),
                    )
                    .await;
                let mut whole = Vec::new();
                for c in listed {
                    let id = c["id"].as_str().unwrap();
                    whole.push(
                        self.json(Request::get(format!("/conversations/{id}")))
                            .await,
                    );
                }
                whole
            }
            _ => unreachable!("every resource is listed above"),
        };
        docs.into_iter().map(|d| (id_of(&d), d)).collect()
    }

    /// Asserts that the mirror holds exactly the sandbox's documents, resource by resource.
    pub async fn assert_mirror_equals_sandbox(&self, store: &dyn Store) {
        for resource in Resource::ALL {
            let server = self.server_docs(resource).await;
            let mut mirror = BTreeMap::new();
            store
                .export(resource, &intercom_mirror::Filter::default(), &mut |doc| {
                    mirror.insert(id_of(doc), doc.clone());
                    Ok(())
                })
                .unwrap();
            let server_ids: Vec<&String> = server.keys().collect();
            let mirror_ids: Vec<&String> = mirror.keys().collect();
            assert_eq!(mirror_ids, server_ids, "{resource}: the ids differ");
            for (id, doc) in &server {
                assert_eq!(&mirror[id], doc, "{resource} {id}: the documents differ");
            }
            assert!(
                !server.is_empty() || resource == Resource::Articles,
                "{resource}: the sandbox has none"
            );
        }
    }
}

pub fn id_of(doc: &Value) -> String {
    match &doc["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
