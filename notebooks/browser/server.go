package browser

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pkg/errors"
	"k8s.io/klog/v2"
)

// ServerOptions configures StartServer.
type ServerOptions struct {
	// Dir is the notebook directory the server serves (required). Use a
	// temporary copy: the front end saves (autosaves) into it.
	Dir string
	// Jupyter is the jupyter-notebook executable; "" looks it up on PATH.
	Jupyter string
	// LogPath, if set, also receives the server's log (stdout and stderr).
	LogPath string
	// StartTimeout bounds the wait for the server to answer; 0 means 60 s.
	StartTimeout time.Duration
	// Env holds extra "KEY=value" entries for the server's environment,
	// which its kernels inherit (a kernel spec's own env still wins), e.g.
	// "GOPROXY=off".
	Env []string
}

// Server is a running Jupyter Notebook server started by StartServer. Call
// Close when done, always: it stops the kernels and the server's process
// group.
type Server struct {
	// Base is the server's root URL, e.g. "http://127.0.0.1:41234/".
	Base string
	// Token is the random token the server requires.
	Token string
	// Dir is the notebook directory.
	Dir string

	cmd     *exec.Cmd
	log     *syncBuffer
	logFile *os.File
	exited  chan struct{} // closed when the process has exited
	waitErr error         // valid after exited is closed
	client  *http.Client
	once    sync.Once
	closed  error
}

// StartServer starts `jupyter-notebook` on 127.0.0.1, on a free port, with a
// random token, in its own process group, and waits until its REST API
// answers. Its configuration and runtime folders are private temporary
// folders (under opts.Dir's parent), so a user's Jupyter configuration does
// not change what the page shows; kernel specs are still found in the usual
// places (~/.local/share/jupyter/kernels).
func StartServer(ctx context.Context, opts ServerOptions) (*Server, error) {
	if opts.Dir == "" {
		return nil, errors.New("browser: ServerOptions.Dir is empty")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, errors.WithStack(err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, errors.Errorf("browser: notebook directory %q is not a directory", dir)
	}
	jupyter := opts.Jupyter
	if jupyter == "" {
		if jupyter, err = exec.LookPath("jupyter-notebook"); err != nil {
			return nil, errors.Wrap(err, "browser: jupyter-notebook not on PATH "+
				"(Debian package jupyter-notebook; `make setup` installs it)")
		}
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 60 * time.Second
	}

	// private config and runtime folders next to the notebook folder
	private, err := os.MkdirTemp(filepath.Dir(dir), "jupyter-")
	if err != nil {
		return nil, errors.Wrap(err, "browser: creating Jupyter's private folders")
	}
	for _, sub := range []string{"config", "runtime"} {
		if err := os.Mkdir(filepath.Join(private, sub), 0o700); err != nil {
			return nil, errors.WithStack(err)
		}
	}

	// a port taken between our probe and the server's bind fails the start
	// (port_retries=0), so try a few ports
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := startOnce(ctx, jupyter, dir, private, opts)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

func startOnce(ctx context.Context, jupyter, dir, private string, opts ServerOptions) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	args := []string{
		"--no-browser", "--ip=127.0.0.1", "--port=" + strconv.Itoa(port),
		"--NotebookApp.port_retries=0",
		"--NotebookApp.token=" + token,
		"--notebook-dir=" + dir,
		"--NotebookApp.terminals_enabled=False",
	}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root") // Jupyter refuses root without it
	}
	cmd := exec.Command(jupyter, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"JUPYTER_CONFIG_DIR="+filepath.Join(private, "config"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(private, "runtime"),
	)
	cmd.Env = append(cmd.Env, opts.Env...)
	setProcessGroup(cmd)
	s := &Server{
		Base:   fmt.Sprintf("http://127.0.0.1:%d/", port),
		Token:  token,
		Dir:    dir,
		cmd:    cmd,
		log:    &syncBuffer{},
		exited: make(chan struct{}),
		client: &http.Client{Timeout: 10 * time.Second},
	}
	var out io.Writer = s.log
	if opts.LogPath != "" {
		if s.logFile, err = os.Create(opts.LogPath); err != nil {
			return nil, errors.Wrapf(err, "browser: creating server log %q", opts.LogPath)
		}
		out = io.MultiWriter(s.log, s.logFile)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		s.closeLog()
		return nil, errors.Wrapf(err, "browser: starting %s", jupyter)
	}
	klog.V(1).Infof("browser: jupyter-notebook pid %d on %s", cmd.Process.Pid, s.Base)
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()

	// wait until the REST API answers
	deadline := time.Now().Add(opts.StartTimeout)
	for {
		if err := s.get(ctx, "api/status", nil); err == nil {
			return s, nil
		} else if time.Now().After(deadline) {
			_ = s.Close()
			return nil, errors.Errorf("browser: jupyter-notebook did not answer on %s within %s "+
				"(last error: %v); log:\n%s", s.Base, opts.StartTimeout, err, s.LogTail(40))
		}
		select {
		case <-s.exited:
			s.closeLog()
			return nil, errors.Errorf("browser: jupyter-notebook exited (%v) before answering; log:\n%s",
				s.waitErr, s.LogTail(40))
		case <-ctx.Done():
			_ = s.Close()
			return nil, errors.Wrap(ctx.Err(), "browser: waiting for jupyter-notebook")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// NotebookURL returns the URL that opens the notebook at path (relative to
// Dir, slash-separated) in the classic notebook UI, with the token.
func (s *Server) NotebookURL(path string) string {
	u := s.Base + "notebooks/" + (&url.URL{Path: path}).EscapedPath()
	return u + "?token=" + url.QueryEscape(s.Token)
}

// LogTail returns the last n lines of the server's log.
func (s *Server) LogTail(n int) string {
	lines := strings.Split(strings.TrimRight(s.log.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Close shuts the kernels down through the REST API, asks the server to stop
// (/api/shutdown), and then signals its process group: SIGTERM, and SIGKILL
// after 5 s. It is safe to call more than once.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.closed = s.shutdown()
		s.closeLog()
	})
	return s.closed
}

func (s *Server) shutdown() error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	// kernels first: Jupyter starts them in their own session, out of reach
	// of the server's process group
	var kernels []struct {
		ID string `json:"id"`
	}
	if err := s.get(ctx, "api/kernels", &kernels); err == nil {
		for _, k := range kernels {
			if err := s.do(ctx, http.MethodDelete, "api/kernels/"+k.ID); err != nil {
				klog.Errorf("browser: shutting kernel %s down: %v", k.ID, err)
			}
		}
	}
	_ = s.do(ctx, http.MethodPost, "api/shutdown")
	select {
	case <-s.exited:
		return nil
	case <-time.After(5 * time.Second):
	}
	_ = signalGroup(s.cmd, false)
	select {
	case <-s.exited:
		return nil
	case <-time.After(5 * time.Second):
	}
	_ = signalGroup(s.cmd, true)
	select {
	case <-s.exited:
		return nil
	case <-time.After(5 * time.Second):
		return errors.Errorf("browser: jupyter-notebook (pid %d) still running after SIGKILL", s.cmd.Process.Pid)
	}
}

func (s *Server) closeLog() {
	if s.logFile != nil {
		_ = s.logFile.Close()
		s.logFile = nil
	}
}

// get GETs path (relative to Base) with the token and decodes the JSON answer
// into v (when v is not nil).
func (s *Server) get(ctx context.Context, path string, v any) error {
	body, err := s.request(ctx, http.MethodGet, path)
	if err != nil || v == nil {
		return err
	}
	return errors.Wrapf(json.Unmarshal(body, v), "browser: decoding %s", path)
}

func (s *Server) do(ctx context.Context, method, path string) error {
	_, err := s.request(ctx, method, path)
	return err
}

func (s *Server) request(ctx context.Context, method, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.Base+path, nil)
	if err != nil {
		return nil, errors.WithStack(err)
	}
	req.Header.Set("Authorization", "token "+s.Token)
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, errors.Errorf("browser: %s %s: %s", method, path, resp.Status)
	}
	return body, nil
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, errors.Wrap(err, "browser: finding a free port on 127.0.0.1")
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// randomToken returns 32 random hex digits.
func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", errors.WithStack(err)
	}
	return hex.EncodeToString(b), nil
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
