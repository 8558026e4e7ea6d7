#!/usr/bin/env bash
# Starts Jupyter Notebook on 127.0.0.1 with a token, opened on notebooks/, and
# prints the URL to open. Run by `make notebook` after the set-up.
#
# Environment: PORT (default 8888), TOKEN (default: random).
set -euo pipefail
cd "$(dirname "$0")"
port=${PORT:-8888}
token=${TOKEN:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
extra=()
[ "$(id -u)" != 0 ] || extra+=(--allow-root) # Jupyter refuses root without it

# Refuse a busy port before printing a URL that would not work.
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "Port $port on 127.0.0.1 is already in use: run make notebook PORT=<another port>." >&2
  exit 1
fi

url="http://127.0.0.1:$port/tree?token=$token"
cat <<MSG

  Jupyter is starting on notebooks/. Open:

    $url

  Start with 00-setup-check.ipynb (kernel "Go (gonb)"). Stop with Ctrl-C.

MSG
# The token goes through the environment, not the command line, so that other
# local users cannot read it with ps.
export JUPYTER_TOKEN="$token"
exec jupyter notebook --no-browser --ip=127.0.0.1 --port="$port" \
  --NotebookApp.port_retries=0 --notebook-dir="$PWD" "${extra[@]}"
