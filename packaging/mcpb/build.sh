#!/usr/bin/env bash
# Builds and validates the MCP Bundle: packaging/mcpb/build.sh [BINARY] [OUT]
#   BINARY  the intercom binary to ship (default: target/release/intercom, built if missing)
#   OUT     the bundle to write (default: target/intercom.mcpb)
# Needs Node.js and npm (installs the pinned @anthropic-ai/mcpb locally with npm ci).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binary="${1:-$root/target/release/intercom}"
out="${2:-$root/target/intercom.mcpb}"
if [[ ! -x "$binary" ]]; then
  (cd "$root" && cargo build --release --locked -p intercom-cli)
fi
(cd "$here" && npm ci --no-audit --no-fund --silent)
mcpb="$here/node_modules/.bin/mcpb"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/server"
# The manifest's version follows the workspace's.
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"
sed "s/\"version\": \"[^\"]*\"/\"version\": \"$version\"/" "$here/manifest.json" > "$stage/manifest.json"
cp "$binary" "$stage/server/intercom"
strip "$stage/server/intercom" 2>/dev/null || true

"$mcpb" validate "$stage/manifest.json"
"$mcpb" pack "$stage" "$out"
"$mcpb" info "$out"
# The packed server starts and answers an MCP initialize against the demo workspace.
unpacked="$(mktemp -d)"
trap 'rm -rf "$stage" "$unpacked"' EXIT
"$mcpb" unpack "$out" "$unpacked" >/dev/null
chmod +x "$unpacked/server/intercom"
reply="$(printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcpb-check","version":"1"}}}' \
  | INTERCOM_SANDBOX=true "$unpacked/server/intercom" mcp | head -1)"
case "$reply" in
  *'"serverInfo"'*) echo "bundle server answers initialize" ;;
  *) echo "the bundled server did not answer initialize: $reply" >&2; exit 1 ;;
esac
