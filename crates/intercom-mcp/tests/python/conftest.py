"""Starts `intercom mcp` (the binary named by INTERCOM_BIN) for the official MCP Python client.

`serve(transport, *flags)` yields an `mcp.Client` connected over stdio (the binary as a child
process) or over Streamable HTTP (the binary listening on 127.0.0.1:0, its URL read from stderr).
"""

import contextlib
import json
import os
import re
import signal
import subprocess

import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

BIN = os.environ.get("INTERCOM_BIN", "")
URL_LINE = re.compile(r"on (http://127\.0\.0\.1:\d+/mcp)")


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERCOM_")}
    env.pop("RUST_LOG", None)
    return env


@pytest.fixture(scope="session")
def registry():
    """`intercom tools --json`: the registry the server must serve."""
    assert BIN, "set INTERCOM_BIN to the intercom binary"
    out = subprocess.run([BIN, "tools", "--json"], capture_output=True, check=True, env=clean_env())
    return {tool["name"]: tool for tool in json.loads(out.stdout)}


@contextlib.asynccontextmanager
async def http_server(*flags):
    """`intercom mcp --http 127.0.0.1:0 FLAGS`, yielding its endpoint URL."""
    process = subprocess.Popen(
        [BIN, "mcp", "--http", "127.0.0.1:0", *flags],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    try:
        url = None
        seen = []
        for line in process.stderr:
            seen.append(line)
            match = URL_LINE.search(line)
            if match:
                url = match.group(1)
                break
        assert url, f"the server printed no URL: {''.join(seen)}"
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


@contextlib.asynccontextmanager
async def serve(transport, *flags, mode="legacy", headers=None):
    """An initialized `mcp.Client` talking to `intercom mcp --sandbox FLAGS`."""
    flags = ("--sandbox", *flags)
    if transport == "stdio":
        params = StdioServerParameters(command=BIN, args=["mcp", *flags], env=clean_env())
        async with Client(params, mode=mode) as client:
            yield client
    else:
        async with http_server(*flags) as url:
            async with httpx2.AsyncClient(headers=headers or {}, timeout=30) as http:
                transport = streamable_http_client(url, http_client=http)
                async with Client(transport, mode=mode) as client:
                    yield client
