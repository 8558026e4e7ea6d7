// Package browser checks that the notebooks render in a real browser: it
// starts Debian's classic Jupyter Notebook server on 127.0.0.1 with a random
// token, drives headless Chromium through the DevTools protocol
// (github.com/chromedp/chromedp) to open a notebook, runs every cell from the
// notebook's own menu (Cell → Run All), waits until the kernel has answered
// every cell, and reads back what the page shows: for each cell its execution
// count, its outputs, each <img> as the browser decoded it (natural size and
// the decoded pixels, redrawn through a canvas) and each inline <svg> (its
// laid-out size and text). It also takes a screenshot of the whole notebook.
//
// The headless runner (package notebooks/nbrun) proves that the cells run and
// produce image/png outputs; this package proves the step after it, the one
// a person sees: that the notebook front end turns those outputs into
// pictures. The test opens notebooks/browser/testdata/render.ipynb (a PNG
// sample grid, an SVG plot and a PNG plot, all built by package
// notebooks/browser/fixture so the test can compare them with the same bytes)
// and notebooks/00-setup-check.ipynb, each from a temporary copy, so the
// checked-in notebooks are never modified.
//
// Needs: chromium (Debian package chromium, or $GAN_CHROMIUM), jupyter-notebook,
// and the "gonb" kernel spec that `make setup` installs. Available reports what
// is missing. Nothing here uses the network beyond 127.0.0.1; Chromium is
// started with its background services off, so it does not try to reach
// update or sync servers.
//
// Out of scope: JupyterLab, widgets' interactivity, comparing screenshots
// with golden images (fonts and anti-aliasing differ between machines).
package browser
