// Package docker holds no Go code used by the project: it is the home of the
// container image (Dockerfile, compose.yaml, the scripts they run, README.md)
// that runs the notebooks in JupyterLab with GoNB and GoMLX's XLA backend,
// on a CPU or on NVIDIA GPUs.
//
// Its tests check the image definition without a Docker engine:
//   - versions_test.go: the Dockerfile's pinned versions agree with go.mod
//     (GoNB, gopls, go-xla, the go directive), with go-xla's own installer
//     (the PJRT CPU plugin release and the CUDA wheel family it fetches), and
//     with the Makefile where it names the same versions;
//   - lint_test.go: hadolint-style rules (no floating "latest" versions, no `curl | sh`, every
//     download pinned and checksummed, non-root user, Jupyter bound to
//     127.0.0.1 in every documented run line and in compose.yaml);
//   - shellcheck_test.go: shellcheck on every shell script of the repository
//     and on the Dockerfile's RUN commands (skipped when shellcheck is absent);
//   - entrypoint_test.go: the container's entry point refuses an empty token,
//     seeds the work volume without overwriting the user's notebooks, and
//     starts Jupyter with a token;
//   - scripts_test.go: the install scripts, run against a fake curl (or
//     python3/pip) serving local fixtures: checksum checks, URLs, and the
//     plugin layout go-xla's installer would produce.
//
// Relation to the paper: none; this is packaging. Out of scope: building or
// running the image (there is no Docker engine on the development machine),
// and GPU checks, which need a host with the NVIDIA Container Toolkit.
package docker
