//! The MCP conversation itself, as JSON-RPC lines over an in-memory pipe (what stdio carries).

use intercom_mcp::{IntercomServer, Selection};
use intercom_sandbox::DEFAULT_TOKEN;
use serde_json::{Value, json};
use tokio::io::{
    AsyncBufReadExt as _, AsyncWriteExt as _, BufReader, DuplexStream, ReadHalf, WriteHalf,
};

use crate::{sandbox, server};

/// A raw MCP client on one end of the pipe.
pub(crate) struct Peer {
    write: WriteHalf<DuplexStream>,
    read: BufReader<ReadHalf<DuplexStream>>,
    next_id: u64,
}

impl Peer {
    pub(crate) fn start(server: IntercomServer) -> Peer {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        tokio::spawn(intercom_mcp::serve_io(server, server_read, server_write));
        let (read, write) = tokio::io::split(client_end);
        Peer {
            write,
            read: BufReader::new(read),
            next_id: 0,
        }
    }

    pub(crate) async fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.write.write_all(line.as_bytes()).await.unwrap();
    }

    /// The next message the server writes.
    pub(crate) async fn next_message(&mut self) -> Value {
        let mut line = String::new();
        let n = self.read.read_line(&mut line).await.unwrap();
        assert!(n > 0, "the server closed the pipe");
        serde_json::from_str(&line).unwrap()
    }

    /// Sends a request and returns its response (`result` or `error`).
    pub(crate) async fn request(&mut self, method: &str, params: Value) -> Value {
        self.request_with_notifications(method, params).await.0
    }

    /// Sends a request and returns its response and the notifications that came before it.
    pub(crate) async fn request_with_notifications(
        &mut self,
        method: &str,
        params: Value,
    ) -> (Value, Vec<Value>) {
        let mut notifications = Vec::new();
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let mut line = String::new();
            let n = self.read.read_line(&mut line).await.unwrap();
            assert!(n > 0, "the server closed the pipe");
            let message: Value = serde_json::from_str(&line).unwrap();
            if message["id"] == json!(id) {
                return (message, notifications);
            }
            if message.get("id").is_none() {
                notifications.push(message);
            }
        }
    }

    pub(crate) async fn initialize(&mut self, version: &str) -> Value {
        let response = self
            .request(
                "initialize",
                json!({"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "it", "version": "1"}}),
            )
            .await;
        self.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        response
    }
}

#[tokio::test]
async fn protocol_versions_from_2025_06_18() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    for (asked, agreed) in [
        ("2025-06-18", "2025-06-18"),
        ("2025-11-25", "2025-11-25"),
        // Older clients are offered the newest version with a handshake; they may go on or leave.
        ("2025-03-26", "2025-11-25"),
        ("2024-11-05", "2025-11-25"),
    ] {
        let mut peer = Peer::start(server(&sb, Selection::new()));
        let response = peer.initialize(asked).await;
        assert_eq!(response["result"]["protocolVersion"], agreed, "{asked}");
        assert_eq!(response["result"]["serverInfo"]["name"], "intercom");
        assert_eq!(
            response["result"]["capabilities"],
            json!({"logging": {}, "prompts": {}, "resources": {}, "tools": {}}),
            "{asked}"
        );
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn tools_list_pages_follow_the_cursor() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let server = server(&sb, Selection::new().toolsets(["all"]).page_size(Some(10)));
    let total = server.listed().len();
    let mut peer = Peer::start(server);
    peer.initialize("2025-06-18").await;
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let params = match &cursor {
            Some(c) => json!({"cursor": c}),
            None => json!({}),
        };
        let response = peer.request("tools/list", params).await;
        let result = &response["result"];
        pages += 1;
        for tool in result["tools"].as_array().unwrap() {
            names.push(tool["name"].as_str().unwrap().to_owned());
        }
        match result["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(names.len(), total);
    assert_eq!(pages, total.div_ceil(10));
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "no tool twice");

    let bad = peer.request("tools/list", json!({"cursor": "zebra"})).await;
    assert_eq!(bad["error"]["code"], -32602);
    assert_eq!(
        bad["error"]["message"],
        "invalid cursor: pass back the nextCursor of the previous page"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn tool_failures_are_results_not_protocol_errors() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let mut peer = Peer::start(server(&sb, Selection::new()));
    peer.initialize("2025-06-18").await;
    for (name, args) in [
        ("intercom_nope", json!({})),
        ("intercom_retrieve_conversation", json!({})),
        (
            "intercom_retrieve_conversation",
            json!({"conversation_id": "404404"}),
        ),
        ("intercom_list_segments", json!({})),
    ] {
        let response = peer
            .request("tools/call", json!({"name": name, "arguments": args}))
            .await;
        assert!(response.get("error").is_none(), "{response}");
        assert_eq!(response["result"]["isError"], true, "{response}");
        assert_eq!(response["result"]["content"][0]["type"], "text");
    }
    let response = peer
        .request("tools/call", json!({"name": "intercom_identify_admin"}))
        .await;
    assert_eq!(response["result"]["isError"], false, "{response}");
    assert!(response["result"]["structuredContent"].is_object());
    sb.shutdown().await;
}

#[tokio::test]
async fn a_message_over_16_mib_is_answered_and_the_next_one_served() {
    let sb = sandbox(DEFAULT_TOKEN).await;
    let mut peer = Peer::start(server(&sb, Selection::new()));
    peer.initialize("2025-11-25").await;
    let big = "a".repeat(17 << 20);
    peer.send(json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "intercom_list_admins", "arguments": {"x": big}}}))
        .await;
    let answer = peer.next_message().await;
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    assert_eq!(
        answer["error"]["message"],
        "invalid request: the message is longer than 16 MiB"
    );
    let ping = peer.request("ping", json!({})).await;
    assert_eq!(ping["result"], json!({}), "{ping}");
    sb.shutdown().await;
}
