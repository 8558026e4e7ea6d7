#!/usr/bin/env bash
# install-pjrt-cpu.sh VERSION [SHA256] DESTDIR
#
# Installs XLA's PJRT CPU plugin from github.com/gomlx/pjrt-cpu-binaries the
# way go-xla's installer (installer/cpu.go) does: the release asset
# pjrt_cpu_linux_amd64.tar.gz holds pjrt_c_api_cpu_<VERSION>_plugin.so, which
# goes into /usr/local/lib/go-xla (a folder go-xla always searches) with the
# unversioned link pjrt_c_api_cpu_plugin.so next to it. Files are written
# under DESTDIR (e.g. /out/usr/local/lib/go-xla) for a COPY --from.
#
# The release publishes no checksum. With SHA256 given, the download must
# match it; with SHA256 empty, its digest is printed so it can be pinned.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 VERSION SHA256-or-empty DESTDIR" >&2
  exit 2
fi
version=$1
sha256=$2
destdir=$3

if [[ ! ${version} =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "install-pjrt-cpu.sh: PJRT_CPU_VERSION=${version@Q} is not a release tag like v0.104.0" >&2
  exit 2
fi
if [[ -n ${sha256} && ! ${sha256} =~ ^[0-9a-f]{64}$ ]]; then
  echo "install-pjrt-cpu.sh: PJRT_CPU_SHA256=${sha256@Q} is not 64 lower-case hex digits" >&2
  exit 2
fi

asset=pjrt_cpu_linux_amd64.tar.gz
url="https://github.com/gomlx/pjrt-cpu-binaries/releases/download/${version}/${asset}"
tmp=$(mktemp -d)
trap 'rm -rf "${tmp}"' EXIT

curl --fail --silent --show-error --location --retry 3 --output "${tmp}/${asset}" "${url}"
if [[ -n ${sha256} ]]; then
  echo "${sha256}  ${tmp}/${asset}" | sha256sum --check --strict -
else
  echo "install-pjrt-cpu.sh: no PJRT_CPU_SHA256 given; downloaded ${asset} ${version}" \
    "has sha256 $(sha256sum "${tmp}/${asset}" | cut -d' ' -f1)"
fi

dir="${destdir}/usr/local/lib/go-xla"
plugin="pjrt_c_api_cpu_${version}_plugin.so"
mkdir -p "${dir}"
tar -C "${dir}" -xzf "${tmp}/${asset}"
if [[ ! -f ${dir}/${plugin} ]]; then
  echo "install-pjrt-cpu.sh: ${asset} ${version} did not contain ${plugin}; it has:" >&2
  ls -la "${dir}" >&2
  exit 1
fi
chmod 0755 "${dir}/${plugin}"
ln -sfn "${plugin}" "${dir}/pjrt_c_api_cpu_plugin.so"
ls -la "${dir}"
