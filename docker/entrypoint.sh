#!/usr/bin/env bash
# entrypoint.sh [COMMAND...]
#
# Container entry point. Copies the notebooks shipped in the image into the
# work folder (a mounted volume) without overwriting any the user already
# has there, then starts JupyterLab on it, or runs COMMAND instead when one
# is given (e.g. `bash`).
#
# Jupyter always asks for a token: $JUPYTER_TOKEN when set (an empty one is
# refused), else a random one, printed once to the container's log.
#
# Environment: GAN_REPO (the checkout in the image, default ~/gan),
# GAN_WORK_DIR (default ~/work), JUPYTER_PORT (default 8888).
set -euo pipefail

repo=${GAN_REPO:-${HOME}/gan}
work=${GAN_WORK_DIR:-${HOME}/work}
port=${JUPYTER_PORT:-8888}

if [[ ${JUPYTER_TOKEN+set} == set && -z ${JUPYTER_TOKEN} ]]; then
  echo "entrypoint: JUPYTER_TOKEN is set but empty; refusing to start Jupyter" \
    "without authentication. Unset it for a random token, or set a long one." >&2
  exit 64
fi

# Seed the work folder: copy each shipped file that is not there yet.
mkdir -p "${work}/notebooks"
if [[ -d ${repo}/notebooks ]]; then
  while IFS= read -r -d '' file; do
    rel=${file#"${repo}/notebooks/"}
    if [[ ! -e ${work}/notebooks/${rel} ]]; then
      mkdir -p "$(dirname "${work}/notebooks/${rel}")"
      cp -p "${file}" "${work}/notebooks/${rel}"
    fi
  done < <(find "${repo}/notebooks" -type f -name '*.ipynb' -print0)
fi

if [[ $# -gt 0 ]]; then
  exec "$@"
fi

if [[ ${JUPYTER_TOKEN+set} != set ]]; then
  JUPYTER_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
  echo "entrypoint: no JUPYTER_TOKEN given; this run's token is ${JUPYTER_TOKEN}" >&2
  echo "entrypoint: open http://127.0.0.1:${port}/lab?token=${JUPYTER_TOKEN}" >&2
fi
export JUPYTER_TOKEN

# Jupyter reads the token from $JUPYTER_TOKEN (kept off the command line).
exec jupyter lab --no-browser --ip=0.0.0.0 --port="${port}" --ServerApp.root_dir="${work}"
