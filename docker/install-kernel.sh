#!/usr/bin/env bash
# install-kernel.sh REPO
#
# Installs the GoNB Jupyter kernel for the checkout at REPO, so notebooks
# import github.com/gan-notebooks/gan with no set-up cell: GoNB records
# --go_work=REPO in the kernel's argv (each notebook gets a go.work that uses
# REPO), and the kernel's env gets the settings the project builds with:
#
#   GOEXPERIMENT  gains simd (the pure-Go backend is ~4x faster with it)
#   GOTOOLCHAIN   local: never download another Go toolchain
#   GOWORK        empty: each notebook's own go.work applies
#   GOFLAGS       the current value without -mod=... (rejected with go.work)
#   GOMLX_NO_AUTO_INSTALL=1: XLA never downloads PJRT plugins at run time
#   GAN_REPO      REPO, for notebooks that read files of the checkout
#
# It mirrors notebooks/nbrun's KernelEnv. Needs gonb, goimports and gopls on
# PATH (`go install tool`) and python3 (to edit kernel.json).
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

gonb --install --go_work="${repo}" --logtostderr

data_dir=${JUPYTER_DATA_DIR:-${HOME}/.local/share/jupyter}
spec="${data_dir}/kernels/gonb/kernel.json"
if [[ ! -f ${spec} ]]; then
  echo "install-kernel.sh: gonb --install wrote no ${spec}" >&2
  exit 1
fi

GAN_SPEC=${spec} GAN_REPO_DIR=${repo} python3 - <<'PY'
import json, os

spec_path = os.environ["GAN_SPEC"]
with open(spec_path) as f:
    spec = json.load(f)

experiments = [e for e in os.environ.get("GOEXPERIMENT", "").split(",") if e]
if "simd" not in experiments:
    experiments.append("simd")
flags = [f for f in os.environ.get("GOFLAGS", "").split()
         if not f.startswith(("-mod=", "--mod="))]

env = spec.get("env") or {}
env.update({
    "GOEXPERIMENT": ",".join(experiments),
    "GOTOOLCHAIN": "local",
    "GOWORK": "",
    "GOFLAGS": " ".join(flags),
    "GOMLX_NO_AUTO_INSTALL": "1",
    "GAN_REPO": os.environ["GAN_REPO_DIR"],
})
spec["env"] = env

tmp = spec_path + ".tmp"
with open(tmp, "w") as f:
    json.dump(spec, f, indent=2, sort_keys=True)
    f.write("\n")
os.replace(tmp, spec_path)
print(f"install-kernel.sh: {spec_path}: argv={spec['argv']} env={env}")
PY
