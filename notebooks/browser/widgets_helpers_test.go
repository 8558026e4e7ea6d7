package browser

import (
	"context"
	"time"
)

// This file lends TestWidgets (package browser_test) the page helpers that
// RunNotebook uses internally; it is compiled into tests only.

// WidgetTestOpen is openNotebook: it opens the notebook at path and waits
// for its kernel, returning the kernel's name.
func WidgetTestOpen(ctx context.Context, srv *Server, path string) (string, error) {
	return openNotebook(ctx, srv, path)
}

// WidgetTestScreenshot is screenshot: the whole notebook, unrolled, as PNG.
func WidgetTestScreenshot(ctx context.Context) ([]byte, error) { return screenshot(ctx) }

// WidgetTestPoll is poll: cond every interval until true, an error, or ctx's
// end.
func WidgetTestPoll(ctx context.Context, interval time.Duration, cond func() (bool, error)) error {
	return poll(ctx, interval, cond)
}
