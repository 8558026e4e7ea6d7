package browser

import (
	"context"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pkg/errors"
)

// This file lends TestWidgets (package browser_test) the page helpers that
// RunNotebook uses internally; it is compiled into tests only.

// WidgetTestOpen navigates the current tab of ctx (a chromedp context) to the
// notebook at path and waits, at most kernelTimeout, until the notebook is
// loaded and its kernel is connected and idle. It returns the kernel's name.
func WidgetTestOpen(ctx context.Context, srv *Server, path string) (string, error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.NotebookURL(path))); err != nil {
		return "", errors.Wrapf(err, "browser: opening %s", srv.NotebookURL(path))
	}
	loadCtx, cancel := context.WithTimeout(ctx, kernelTimeout)
	defer cancel()
	var last kernelState
	err := poll(loadCtx, 250*time.Millisecond, func() (bool, error) {
		var err error
		last, err = chromedp.Run(loadCtx, chromedp.Evaluate[kernelState](kernelStateJS))
		if err == nil && last.Dialog != "" {
			err = errors.Errorf("the notebook shows a dialog: %q", last.Dialog)
		}
		return last.Ready, err
	})
	if err != nil {
		return "", errors.Wrapf(err, "browser: %s: waiting for the notebook and its kernel "+
			"(last state: %+v)", path, last)
	}
	return last.Kernel, nil
}

// WidgetTestScreenshot is screenshot: the whole notebook, unrolled, as PNG.
func WidgetTestScreenshot(ctx context.Context) ([]byte, error) { return screenshot(ctx) }

// WidgetTestPoll is poll: cond every interval until true, an error, or ctx's
// end.
func WidgetTestPoll(ctx context.Context, interval time.Duration, cond func() (bool, error)) error {
	return poll(ctx, interval, cond)
}
