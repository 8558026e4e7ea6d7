package kernelext

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// ErrInterrupted is the cause (context.Cause) of a context cancelled by
// InterruptContext; errors.Is(err, ErrInterrupted) holds for it.
var ErrInterrupted = errors.New("kernelext: interrupted")

// InterruptError is the cause of a context cancelled by InterruptContext,
// naming the signal received.
type InterruptError struct{ Signal os.Signal }

func (e *InterruptError) Error() string { return fmt.Sprintf("kernelext: interrupted by %v", e.Signal) }

// Is makes errors.Is(err, ErrInterrupted) true.
func (e *InterruptError) Is(target error) bool { return target == ErrInterrupted }

// InterruptContext returns a context cancelled when the program receives
// SIGINT (the notebook's "interrupt kernel" button: GoNB forwards it to the
// cell program, then kills the program 5 seconds later) or SIGTERM. Its cause
// (context.Cause) is an *InterruptError. A training loop that checks
// ctx.Err() after each step can stop and write its checkpoint in time.
//
// After the first signal, signal handling is restored to the default, so a
// second interrupt ends the program at once. Call stop when done to release
// the handler; stop is idempotent.
func InterruptContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	quit := make(chan struct{})
	var once sync.Once
	stop = func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(quit)
			cancel(context.Canceled)
		})
	}
	go func() {
		select {
		case sig := <-sigs:
			signal.Stop(sigs) // a second interrupt now takes the default action
			cancel(&InterruptError{Signal: sig})
		case <-ctx.Done():
			signal.Stop(sigs)
		case <-quit:
		}
	}()
	return ctx, stop
}
