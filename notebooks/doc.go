// Package notebooks holds the project's GoNB notebooks (*.ipynb in this
// folder) and the test that executes them.
//
// `go test ./notebooks/...` runs every notebook matched by *.ipynb here,
// headless, through notebooks/nbrun, in quick mode ($GAN_NOTEBOOK_MODE=quick,
// which notebooks read to shrink their work), and fails naming the notebook
// and the cell when a cell fails. New notebooks are picked up by the glob.
// The test is skipped with -short. Settings, from the environment:
//
//	GAN_NOTEBOOK_MODE     quick (default) or full
//	GAN_NOTEBOOK_TIMEOUT  deadline per notebook, e.g. 15m (default 10m quick, 2h full)
//	GAN_NOTEBOOK_OUT      folder for the executed notebooks, logs and timings.tsv (default: temp)
//	GAN_NOTEBOOK_RUN      regexp: run only the notebooks whose file name matches
//	GAN_NOTEBOOK_REQUIRE  1: fail instead of skipping when Jupyter or GoNB are missing
//
// Sub-packages: nbrun (the headless runner), nbsetup (the setup checks of
// 00-setup-check.ipynb); commands: cmd/nbrun, cmd/installkernel.
package notebooks
