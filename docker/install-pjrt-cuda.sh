#!/usr/bin/env bash
# install-pjrt-cuda.sh PLUGIN JAX_VERSION DESTDIR
#
# Installs XLA's CUDA PJRT plugin and NVIDIA's libraries the way go-xla's
# installer (installer/cuda.go, CudaInstall) lays them out, from JAX's
# wheels on PyPI pinned to JAX_VERSION:
#
#   /usr/local/lib/go-xla/nvidia/pjrt_c_api_cuda_plugin.so  (jax-PLUGIN-pjrt)
#   /usr/local/lib/go-xla/nvidia/<lib>/...       (the wheels' nvidia/ folders)
#   /usr/local/lib/go-xla/nvidia/bin/ptxas -> ../cu13/bin/ptxas
#   /usr/local/lib/libcublas{,Lt}.so.13 -> go-xla/nvidia/cu13/lib/...
#
# Unlike go-xla's installer, which asks PyPI for the latest release, the
# NVIDIA dependencies here come from the pinned jax-PLUGIN-plugin release's
# own requirements (its "with-cuda" extra), resolved by pip, which checks
# every wheel against the SHA-256 PyPI lists for it. Files go under DESTDIR.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 PLUGIN JAX_VERSION DESTDIR" >&2
  exit 2
fi
plugin=$1
version=$2
destdir=$3

case ${plugin} in
  cuda13) cu=cu13 ;;
  *)
    echo "install-pjrt-cuda.sh: CUDA_PLUGIN=${plugin@Q} unsupported; go-xla v0.4.0 auto-installs cuda13" >&2
    exit 2
    ;;
esac
if [[ ! ${version} =~ ^[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+)?$ ]]; then
  echo "install-pjrt-cuda.sh: JAX_CUDA_VERSION=${version@Q} is not an exact release like 0.11.0" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "${tmp}"' EXIT
python3 -m venv "${tmp}/venv"
"${tmp}/venv/bin/pip" install --no-cache-dir --only-binary=:all: --target "${tmp}/site" \
  "jax-${plugin}-pjrt==${version}" "jax-${plugin}-plugin[with-cuda]==${version}"

dir="${destdir}/usr/local/lib/go-xla/nvidia"
mkdir -p "${dir}/bin"

# NVIDIA's libraries: the content of each wheel's nvidia/ folder.
cp -a "${tmp}/site/nvidia/." "${dir}/"

# The plugin itself, under the name go-xla looks for.
so=$(find "${tmp}/site" -name xla_cuda_plugin.so -print -quit)
if [[ -z ${so} ]]; then
  echo "install-pjrt-cuda.sh: jax-${plugin}-pjrt==${version} has no xla_cuda_plugin.so" >&2
  exit 1
fi
install -m 0755 "${so}" "${dir}/pjrt_c_api_cuda_plugin.so"

# ptxas, which XLA runs to compile kernels.
if [[ ! -x ${dir}/${cu}/bin/ptxas ]]; then
  echo "install-pjrt-cuda.sh: no ${cu}/bin/ptxas among the NVIDIA wheels" >&2
  exit 1
fi
ln -sfn "../${cu}/bin/ptxas" "${dir}/bin/ptxas"

# cuBLAS, which the plugin does not find through its RPATH.
for lib in libcublasLt.so.13 libcublas.so.13; do
  if [[ ! -e ${dir}/${cu}/lib/${lib} ]]; then
    echo "install-pjrt-cuda.sh: ${cu}/lib/${lib} missing from the NVIDIA wheels" >&2
    exit 1
  fi
  ln -sfn "go-xla/nvidia/${cu}/lib/${lib}" "${destdir}/usr/local/lib/${lib}"
done

"${tmp}/venv/bin/pip" list --path "${tmp}/site" | grep -Ei '^(jax|nvidia)' || true
du -sh "${dir}"
