package kernelext

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"

	"github.com/gan-notebooks/gan/data"
)

const notebookChildEnv = "KERNELEXT_NOTEBOOK_CHILD"

// notebookChild runs display calls as a cell program would, talking to the
// fake kernel of TestNotebookProtocol through GoNB's named pipes.
func notebookChild() {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if !InNotebook() {
		fail(fmt.Errorf("child: gonbui.IsNotebook is false"))
	}
	if _, err := DisplayGrid(syntheticDigits(4), GridOptions{}); err != nil {
		fail(err)
	}
	lv := NewLiveView("toy", 1, 2, GridOptions{})
	for _, p := range fakePoints(2) {
		if err := lv.Step(p, func() (*data.Images, error) { return syntheticDigits(2), nil }); err != nil {
			fail(err)
		}
	}
	if _, err := lv.Finish(); err != nil {
		fail(err)
	}
	p := NewProgress(3, "sampling")
	for i := 1; i <= 3; i++ {
		p.Update(i) // 1 drawn; 2 throttled; 3 drawn (complete)
	}
	p.Done()
	os.Exit(0)
}

type kernelMsg struct {
	mimes     []string
	displayID string
	png       []byte
	html      string
}

// TestNotebookProtocol plays GoNB's side of the pipes (GONB_PIPE,
// GONB_PIPE_BACK) for a child process, acknowledging syncs, and checks what
// a notebook receives: grids as image/png (GAN-17 a), each display followed
// by a sync (flush), live updates under one display id, and Finish's
// persistent outputs.
func TestNotebookProtocol(t *testing.T) {
	dir := t.TempDir()
	toKernel, toChild := filepath.Join(dir, "w"), filepath.Join(dir, "r")
	for _, p := range []string{toKernel, toChild} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skipf("no named pipes: %v", err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), notebookChildEnv+"=1", protocol.GONB_PIPE_ENV+"="+toKernel,
		protocol.GONB_PIPE_BACK_ENV+"="+toChild, EnvDisplayDir+"=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var msgs []kernelMsg
	syncs := 0
	kernel := make(chan error, 1)
	go func() {
		r, err := os.OpenFile(toKernel, os.O_RDONLY, 0)
		if err != nil {
			kernel <- err
			return
		}
		defer r.Close()
		w, err := os.OpenFile(toChild, os.O_WRONLY, 0)
		if err != nil {
			kernel <- err
			return
		}
		defer w.Close()
		dec, enc := gob.NewDecoder(r), gob.NewEncoder(w)
		for {
			var d protocol.DisplayData
			if err := dec.Decode(&d); err != nil {
				kernel <- nil // child closed the pipe
				return
			}
			if cv, ok := d.Data[protocol.MIMECommValue]; ok {
				var v *protocol.CommValue
				switch c := cv.(type) {
				case protocol.CommValue:
					v = &c
				case *protocol.CommValue:
					v = c
				}
				if v != nil && v.Address == protocol.GonbuiSyncAddress {
					syncs++
					if err := enc.Encode(&protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: v.Value}); err != nil {
						kernel <- err
						return
					}
				}
				continue
			}
			m := kernelMsg{displayID: d.DisplayID}
			for mime, content := range d.Data {
				m.mimes = append(m.mimes, string(mime))
				switch c := content.(type) {
				case []byte:
					m.png = c
				case string:
					m.html = c
				}
			}
			msgs = append(msgs, m)
		}
	}()

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("child failed: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("child blocked (a sync never acknowledged?)\n%s", stderr.String())
	}
	select {
	case err := <-kernel:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("fake kernel did not see the pipe close")
	}

	// 1 grid + 2 live updates + (clear, table, metrics, grid) from Finish +
	// 3 progress lines
	var summary []string
	for _, m := range msgs {
		kind := strings.Join(m.mimes, "+")
		if m.displayID != "" {
			kind += "@live"
		}
		summary = append(summary, kind)
	}
	want := "image/png text/html@live text/html@live text/html@live text/html image/png image/png" +
		" text/html@live text/html@live text/html@live"
	if got := strings.Join(summary, " "); got != want {
		t.Fatalf("messages %q, want %q", got, want)
	}
	for _, i := range []int{0, 5, 6} {
		if !bytes.HasPrefix(msgs[i].png, []byte{0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A}) {
			t.Errorf("message %d: image/png payload does not start with the PNG signature", i)
		}
	}
	if msgs[1].displayID != msgs[3].displayID || msgs[3].html != "" {
		t.Errorf("live updates should share one display id and Finish should clear it")
	}
	if msgs[7].displayID == msgs[1].displayID || msgs[7].displayID != msgs[9].displayID ||
		!strings.Contains(msgs[9].html, "sampling 3/3 (100.0%)") {
		t.Errorf("progress should update its own display in place, ending at 3/3: %q", msgs[9].html)
	}
	if !strings.Contains(msgs[2].html, "step 1 / 2") {
		t.Errorf("second live update lacks the step: %.200s", msgs[2].html)
	}
	// every display is flushed: grid, 2 updates, Finish's 3 persistent
	// outputs, progress Done
	if syncs < 7 {
		t.Errorf("%d syncs, want >= 7 (one per display call)", syncs)
	}
}
