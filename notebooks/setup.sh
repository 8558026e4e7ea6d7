#!/usr/bin/env bash
# Set-up shared by `make notebook`, `make test` and `make reproduce`. It only
# does what is missing, so running it again costs a few seconds:
#
#   1. Go: checks the go binary against the go line of go.mod (no download:
#      GOTOOLCHAIN=local).
#   2. Debian packages: jupyter-notebook, jupyter-nbconvert, python3-nbclient,
#      python3-numpy, dataset-fashion-mnist, chromium (the browser test of
#      make test) and shellcheck (the scripts' lint test), when absent. As root it runs
#      apt-get; otherwise it prints the exact command and stops.
#   3. Go tools pinned in go.mod (gonb, goimports, gopls): `go install tool`;
#      the modules of go.mod: `go mod download` (so notebooks build offline).
#   4. The GoNB kernel spec for this checkout (notebooks/cmd/installkernel).
#
# Environment: GO (default: go).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
export GOTOOLCHAIN=local

step_start=$SECONDS
step() { printf '==> setup: %s\n' "$*"; step_start=$SECONDS; }
done_step() { printf '    %s (%ds)\n' "$*" $((SECONDS - step_start)); }

# 1. Go toolchain.
step "Go toolchain"
need=$(awk '$1 == "go" { print $2; exit }' go.mod)
if ! command -v "$GO" >/dev/null 2>&1; then
  echo "go not found on PATH. This project needs Go ≥ $need: install it from https://go.dev/dl" >&2
  echo "and put its bin folder on PATH (e.g. export PATH=/usr/local/go/bin:\$PATH)." >&2
  exit 1
fi
have=$("$GO" env GOVERSION)
have=${have#go}
have=${have%%[ -]*}
if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n 1)" != "$need" ]; then
  echo "Go $have found, this project needs ≥ $need: install Go $need or newer from https://go.dev/dl" >&2
  echo "and put it first on PATH ($(command -v "$GO") is too old)." >&2
  exit 1
fi
done_step "Go $have at $(command -v "$GO") (need ≥ $need)"

# 2. Debian packages. A capability present by other means (pip) counts too.
step "Jupyter and data packages"
python_with() { # python_with MODULE: true when Debian's or PATH's python3 imports MODULE
  /usr/bin/python3 -c "import $1" >/dev/null 2>&1 || python3 -c "import $1" >/dev/null 2>&1
}
missing=()
command -v jupyter-notebook >/dev/null 2>&1 || missing+=(jupyter-notebook)
command -v jupyter-nbconvert >/dev/null 2>&1 || missing+=(jupyter-nbconvert)
python_with nbclient || missing+=(python3-nbclient)
python_with numpy || missing+=(python3-numpy)
[ -d /usr/share/datasets/fashion-mnist ] || [ -n "${GAN_FASHION_MNIST_DIR:-}" ] ||
  missing+=(dataset-fashion-mnist)
command -v chromium >/dev/null 2>&1 || [ -n "${GAN_CHROMIUM:-}" ] || missing+=(chromium)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: ${missing[*]}. This system has no apt-get: install Jupyter Notebook," >&2
    echo "nbconvert, nbclient, numpy, Chromium and shellcheck with your package manager (or pip), then rerun." >&2
    exit 1
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "then rerun this command." >&2
    exit 1
  fi
  echo "    installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  done_step "installed ${missing[*]}"
else
  done_step "present"
fi

# 3. Go tools and modules, at the versions of go.mod.
step "Go tools (go install tool) and modules (go mod download)"
"$GO" install tool
"$GO" mod download
toolbin=$("$GO" env GOBIN)
[ -n "$toolbin" ] || toolbin=$("$GO" env GOPATH | cut -d: -f1)/bin
done_step "gonb $("$toolbin/gonb" -V 2>/dev/null || echo '?'), goimports, gopls in $toolbin"

# 4. Kernel spec.
step "GoNB kernel spec"
"$GO" run ./notebooks/cmd/installkernel | sed 's/^/    /'
done_step "done"
