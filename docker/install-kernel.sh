#!/usr/bin/env bash
# install-kernel.sh REPO
#
# Installs the GoNB Jupyter kernel for the checkout at REPO with the
# project's own installer (go run ./notebooks/cmd/installkernel, the one
# `make notebook` uses), then checks the spec it wrote: notebooks must import
# github.com/gan-notebooks/gan with no set-up cell, so the kernel's argv must
# carry --go_work=REPO (each notebook gets a go.work that uses REPO), and its
# env must build with GOEXPERIMENT=simd and GOTOOLCHAIN=local.
#
# Needs gonb, goimports and gopls from `go install tool`, and python3 (to
# read kernel.json). Honours JUPYTER_DATA_DIR like Jupyter and GoNB do.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 REPO" >&2
  exit 2
fi
repo=$(cd "$1" && pwd)
if [[ ! -f ${repo}/go.mod ]]; then
  echo "install-kernel.sh: ${repo} has no go.mod" >&2
  exit 2
fi

(cd "${repo}" && go run ./notebooks/cmd/installkernel -repo "${repo}")

data_dir=${JUPYTER_DATA_DIR:-${HOME}/.local/share/jupyter}
spec="${data_dir}/kernels/gonb/kernel.json"
GAN_SPEC=${spec} GAN_REPO_DIR=${repo} python3 - <<'PY'
import json, os, sys

spec_path, repo = os.environ["GAN_SPEC"], os.environ["GAN_REPO_DIR"]
try:
    with open(spec_path) as f:
        spec = json.load(f)
except (OSError, ValueError) as err:
    sys.exit(f"install-kernel.sh: cannot read the kernel spec: {err}")

problems = []
argv, env = spec.get("argv", []), spec.get("env") or {}
if not any(a in (f"-go_work={repo}", f"--go_work={repo}") for a in argv):
    problems.append(f"argv {argv} lacks --go_work={repo}")
if "simd" not in env.get("GOEXPERIMENT", "").split(","):
    problems.append(f"env GOEXPERIMENT={env.get('GOEXPERIMENT')!r} lacks simd")
if env.get("GOTOOLCHAIN") != "local":
    problems.append(f"env GOTOOLCHAIN={env.get('GOTOOLCHAIN')!r}, want 'local'")
if problems:
    sys.exit(f"install-kernel.sh: {spec_path}: " + "; ".join(problems))
print(f"install-kernel.sh: {spec_path} checked: --go_work={repo}, "
      f"GOEXPERIMENT={env['GOEXPERIMENT']}, GOTOOLCHAIN=local")
PY
