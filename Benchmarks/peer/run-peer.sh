#!/usr/bin/env bash
# The wechatpy peer: run-peer.sh PORT SANDBOX_URL DB_PATH  (see README.md)
set -euo pipefail
if [ $# -ne 3 ]; then echo "usage: $0 PORT SANDBOX_URL DB_PATH" >&2; exit 2; fi
PORT=$1; SANDBOX_URL=$2; DB_PATH=$3
HERE=$(cd "$(dirname "$0")" && pwd)
VENV=$HERE/../../.venv-bench

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
# Install (quietly) when the venv lacks these exact requirements.
if ! cmp -s "$HERE/requirements.txt" "$VENV/.peer-requirements.txt"; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
    cp "$HERE/requirements.txt" "$VENV/.peer-requirements.txt"
fi

export WECHAT_SANDBOX_URL=$SANDBOX_URL
export PEER_PUBLIC_URL=http://127.0.0.1:$PORT
export PEER_DB=$(cd "$(dirname "$DB_PATH")" && pwd)/$(basename "$DB_PATH")
export OFFICIAL_APPID=${OFFICIAL_APPID:-wx5a1c9e0b3d7f2468}
export OFFICIAL_SECRET=${OFFICIAL_SECRET:-3f6c2a9e8b1d4f7a0c5e9b2d6a8f1c3e}
export WEBSITE_APPID=${WEBSITE_APPID:-wx8e2f4a6c0b1d3e5f}
export WEBSITE_SECRET=${WEBSITE_SECRET:-9b7d5f3a1c8e6b4d2f0a9c7e5b3d1f8a}
# The AES-256 key that seals user tokens; every worker must share it.
export PEER_TOKEN_KEY=${PEER_TOKEN_KEY:-$("$VENV/bin/python" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')}

# Create the schema and switch the file to WAL once, before the workers start.
(cd "$HERE" && "$VENV/bin/python" -c 'import app')

# gunicorn's recommended worker count, sync workers, no access log (gunicorn writes none unless asked), no control
# socket (a second gunicorn on the machine would contend for its default path).
exec "$VENV/bin/gunicorn" --chdir "$HERE" --bind "127.0.0.1:$PORT" --worker-class sync --no-control-socket \
    --workers $((2 * $(nproc) + 1)) app:app
