#!/usr/bin/env bash
# install-go-tools.sh GONB_VERSION GOPLS_VERSION GOXLA_VERSION
#
# Run in the checkout (go.mod, go.sum): downloads the modules go.mod names,
# checks that go.mod still requires the versions the image was written for
# (docker/Dockerfile's ARGs), then installs go.mod's tool directives (gonb,
# goimports, gopls) into $GOPATH/bin with `go install tool`. Nothing is
# installed by @version: go.mod and go.sum decide.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 GONB_VERSION GOPLS_VERSION GOXLA_VERSION" >&2
  exit 2
fi

go mod download

# want MODULE VERSION ARG: go.mod must require MODULE at VERSION.
want() {
  local got
  got=$(go list -m -f '{{.Version}}' "$1")
  if [[ ${got} != "$2" ]]; then
    echo "install-go-tools.sh: go.mod requires $1 ${got}, but docker/Dockerfile has" \
      "$3=$2; update the ARG (and what depends on it, see docker/README.md)" >&2
    exit 1
  fi
}
want github.com/janpfeifer/gonb "$1" GONB_VERSION
want golang.org/x/tools/gopls "$2" GOPLS_VERSION
want github.com/gomlx/go-xla "$3" GOXLA_VERSION

go install tool
for tool in gonb goimports gopls; do
  command -v "${tool}"
done
gonb --version
