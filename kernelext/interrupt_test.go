package kernelext

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

const childEnv = "KERNELEXT_INTERRUPT_CHILD"

// TestMain lets the test binary act as the interrupted child process.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		interruptChild()
		return
	}
	if os.Getenv(notebookChildEnv) == "1" {
		notebookChild()
		return
	}
	os.Exit(m.Run())
}

// interruptChild stands for a training cell: it "trains" 10ms steps until its
// context is cancelled, then "writes a checkpoint" and exits 0.
func interruptChild() {
	ctx, stop := InterruptContext(context.Background())
	defer stop()
	fmt.Println("ready")
	step := 0
	for ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond) // one training step
		step++
		if step > 3000 {
			fmt.Println("never interrupted")
			os.Exit(3)
		}
	}
	var ie *InterruptError
	cause := context.Cause(ctx)
	if !errors.Is(cause, ErrInterrupted) || !errors.As(cause, &ie) {
		fmt.Printf("unexpected cause %v\n", cause)
		os.Exit(4)
	}
	fmt.Printf("checkpoint written at step %d; %v\n", step, cause)
	os.Exit(0)
}

func TestInterruptContext(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"=1")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(stdout)
			if !lines.Scan() || lines.Text() != "ready" {
				_ = cmd.Process.Kill()
				t.Fatalf("child did not start: %q", lines.Text())
			}
			time.Sleep(50 * time.Millisecond) // a few steps
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}

			// GoNB kills the cell program 5s after forwarding SIGINT: the child
			// must be done well before.
			var rest strings.Builder
			for lines.Scan() {
				rest.WriteString(lines.Text() + "\n")
			}
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			select {
			case err := <-waited:
				if err != nil {
					t.Fatalf("child exited with %v; output %q", err, rest.String())
				}
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("child still running 5s after the signal")
			}
			want := "interrupted by " + map[syscall.Signal]string{syscall.SIGINT: "interrupt",
				syscall.SIGTERM: "terminated"}[sig]
			if !strings.Contains(rest.String(), "checkpoint written at step") ||
				!strings.Contains(rest.String(), want) {
				t.Errorf("child output %q, want a checkpoint line and %q", rest.String(), want)
			}
		})
	}
}

func TestInterruptContextStop(t *testing.T) {
	// stop cancels the context (with context.Canceled, not an interrupt) and
	// is idempotent; a parent cancellation propagates.
	ctx, stop := InterruptContext(context.Background())
	stop()
	stop()
	if !errors.Is(ctx.Err(), context.Canceled) || errors.Is(context.Cause(ctx), ErrInterrupted) {
		t.Errorf("after stop: err %v, cause %v", ctx.Err(), context.Cause(ctx))
	}
	parent, cancel := context.WithCancel(context.Background())
	ctx, stop = InterruptContext(parent)
	defer stop()
	cancel()
	select {
	case <-ctx.Done():
	case <-time.After(time.Second):
		t.Fatal("parent cancellation did not propagate")
	}
}
