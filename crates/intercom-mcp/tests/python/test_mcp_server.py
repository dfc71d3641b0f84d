"""`intercom mcp` driven by the official MCP Python client, over stdio and Streamable HTTP.

Each test runs for both transports, and for both ways the client starts a connection: the
`initialize` handshake ("legacy": protocol 2025-06-18 to 2025-11-25) and discovery ("auto":
`server/discover`, protocol 2026-07-28). Every call goes to a fresh in-process sandbox.
"""

import pytest
from conftest import http_server, serve

TRANSPORTS = ["stdio", "http"]
MODES = ["legacy", "auto"]

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def list_all(client):
    """Every page of tools/list, and how many pages there were."""
    tools, pages, cursor = [], 0, None
    while True:
        page = await client.list_tools(cursor=cursor, cache_mode="refresh")
        pages += 1
        tools.extend(page.tools)
        cursor = page.next_cursor
        if cursor is None:
            return tools, pages
        assert pages < 100, "tools/list never ended"


def text(result):
    return "\n".join(block.text for block in result.content if block.type == "text")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_lists_every_tool_on_every_page(transport, mode, registry):
    async with serve(transport, "--toolsets", "all", "--page-size", "7", mode=mode) as client:
        if mode == "legacy":
            assert client.protocol_version in ("2025-06-18", "2025-11-25")
        else:
            assert client.protocol_version == "2026-07-28"
        assert client.server_info is None or client.server_info.name == "intercom"
        tools, pages = await list_all(client)
    assert pages == -(-len(registry) // 7), f"{pages} pages for {len(registry)} tools"
    assert [t.name for t in tools] == list(registry), "same tools, same order as `intercom tools`"
    for tool in tools:
        expected = registry[tool.name]
        assert tool.description == expected["description"]
        assert tool.input_schema == expected["input_schema"], tool.name
        assert tool.input_schema["type"] == "object"
        assert not {"anyOf", "oneOf", "allOf"} & set(tool.input_schema)
        assert tool.title == expected["title"], tool.name
        hints = tool.annotations
        marks = expected["annotations"]
        # Whether a write destroys or can be repeated means nothing for a read: not sent.
        writes = not marks["read_only"]
        assert (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint, hints.open_world_hint) == (
            marks["read_only"],
            marks["destructive"] if writes else None,
            marks["idempotent"] if writes else None,
            marks["open_world"],
        ), tool.name


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_calls_a_read_tool_and_a_write_tool(transport, mode):
    async with serve(transport, mode=mode) as client:
        admins = await client.call_tool("intercom_list_admins", {})
        assert not admins.is_error, text(admins)
        admin_id = admins.structured_content["admins"][0]["id"]
        assert admin_id in text(admins), "the text block carries the same JSON"

        # A tool of the default selection (intercom_list_conversations is not in it).
        listed = await client.call_tool(
            "intercom_search_conversations",
            {"query": {"field": "state", "operator": "=", "value": "open"}, "pagination": {"per_page": 5}},
        )
        assert not listed.is_error, text(listed)
        open_ids = [c["id"] for c in listed.structured_content["conversations"] if c["state"] == "open"]
        assert open_ids, "the demo workspace has open conversations"

        closed = await client.call_tool(
            "intercom_manage_conversation",
            {"conversation_id": open_ids[0], "message_type": "close", "admin_id": admin_id},
        )
        assert not closed.is_error, text(closed)
        assert closed.structured_content["id"] == open_ids[0]
        assert closed.structured_content["state"] == "closed"

        again = await client.call_tool("intercom_retrieve_conversation", {"conversation_id": open_ids[0]})
        assert again.structured_content["state"] == "closed", "the write reached the sandbox"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_validation_errors_are_tool_errors(transport, mode):
    async with serve(transport, mode=mode) as client:
        result = await client.call_tool(
            "intercom_manage_conversation", {"conversation_id": "1", "message_type": "close"}
        )
        assert result.is_error
        message = text(result)
        assert "`admin_id` is required" in message and "intercom_list_admins" in message, message
        assert result.structured_content["error"]["field"] == "admin_id"

        missing = await client.call_tool("intercom_retrieve_conversation", {"conversation_id": "999999999"})
        assert missing.is_error
        assert "404" in text(missing) and "intercom_list_conversations" in text(missing), text(missing)

        unknown = await client.call_tool("intercom_list_admin", {})
        assert unknown.is_error
        assert "intercom_list_admins" in text(unknown), text(unknown)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_aliases_are_callable_but_not_listed(transport, mode):
    async with serve(transport, "--toolsets", "all", mode=mode) as client:
        tools, _ = await list_all(client)
        assert not any(t.name.startswith("INTERCOM_") for t in tools)
        result = await client.call_tool("INTERCOM_LIST_ALL_ADMINS", {})
        assert not result.is_error, text(result)
        assert result.structured_content["admins"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_read_only_refuses_writes(transport, mode):
    async with serve(transport, "--toolsets", "all", "--read-only", mode=mode) as client:
        tools, _ = await list_all(client)
        assert tools and all(t.annotations.read_only_hint for t in tools)
        assert "intercom_manage_conversation" not in {t.name for t in tools}
        result = await client.call_tool(
            "intercom_manage_conversation",
            {"conversation_id": "1", "message_type": "close", "admin_id": "1"},
        )
        assert result.is_error
        assert "read-only" in text(result), text(result)
        assert result.structured_content["error"]["kind"] == "read_only"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_discovery_reaches_the_whole_catalog_with_three_tools(transport, registry):
    async with serve(transport, "--discover") as client:
        tools, _ = await list_all(client)
        assert [t.name for t in tools] == ["intercom_search_tools", "intercom_describe_tool", "intercom_call_tool"]
        found = await client.call_tool("intercom_search_tools", {"query": "close conversation"})
        assert not found.is_error, text(found)
        names = [t["name"] for t in found.structured_content["tools"]]
        assert "intercom_manage_conversation" in names[:3], names
        described = await client.call_tool("intercom_describe_tool", {"name": "intercom_get_counts"})
        assert described.structured_content["inputSchema"] == registry["intercom_get_counts"]["input_schema"]
        called = await client.call_tool("intercom_call_tool", {"name": "intercom_list_tags", "arguments": {}})
        assert not called.is_error, text(called)
        assert called.structured_content["type"] == "list"


async def test_http_bearer_token_and_per_request_intercom_token():
    async with http_server("--sandbox", "--bearer-token", "mcp-secret") as url:
        # No bearer: the endpoint refuses before any MCP message is read.
        with pytest.raises(Exception):
            async with serve_url(url, {}) as client:
                await client.list_tools()
        # The bearer, and a wrong Intercom token: the call is a tool error about the token.
        async with serve_url(url, {"Authorization": "Bearer mcp-secret", "X-Intercom-Token": "not-the-sandbox-token"}) as client:
            refused = await client.call_tool("intercom_list_admins", {})
            assert refused.is_error
            assert "refused the access token" in text(refused), text(refused)
        # The bearer and no Intercom token: the server's own (the sandbox's) is used.
        async with serve_url(url, {"Authorization": "Bearer mcp-secret"}) as client:
            ok = await client.call_tool("intercom_list_admins", {})
            assert not ok.is_error, text(ok)


def serve_url(url, headers):
    import contextlib

    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    @contextlib.asynccontextmanager
    async def connect():
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            async with Client(streamable_http_client(url, http_client=http), mode="legacy") as client:
                yield client

    return connect()
