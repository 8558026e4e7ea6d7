#!/usr/bin/env bash
# install-go.sh VERSION SHA256 PREFIX
#
# Downloads the official Go tarball for linux-amd64, checks it against the
# SHA-256 that go.dev/dl publishes for it, and unpacks it into PREFIX/go.
# Used by docker/Dockerfile (stage "go"); fails loudly on any mismatch.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 VERSION SHA256 PREFIX" >&2
  exit 2
fi
version=$1
sha256=$2
prefix=$3

if [[ ! ${version} =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?$ ]]; then
  echo "install-go.sh: GO_VERSION=${version@Q} is not a release number like 1.26.8" >&2
  exit 2
fi
if [[ ! ${sha256} =~ ^[0-9a-f]{64}$ ]]; then
  echo "install-go.sh: GO_SHA256=${sha256@Q} is not 64 lower-case hex digits;" \
    "copy it from https://go.dev/dl/ for go${version}.linux-amd64.tar.gz" >&2
  exit 2
fi
arch=$(uname -m)
if [[ ${arch} != x86_64 ]]; then
  echo "install-go.sh: machine is ${arch}; this image is linux/amd64 only" >&2
  exit 2
fi

tarball="go${version}.linux-amd64.tar.gz"
tmp=$(mktemp -d)
trap 'rm -rf "${tmp}"' EXIT

curl --fail --silent --show-error --location --retry 3 \
  --output "${tmp}/${tarball}" "https://go.dev/dl/${tarball}"
echo "${sha256}  ${tmp}/${tarball}" | sha256sum --check --strict -

mkdir -p "${prefix}"
tar -C "${prefix}" -xzf "${tmp}/${tarball}"
"${prefix}/go/bin/go" version
