package docker

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeJupyter records its arguments and JUPYTER_TOKEN, in place of the real
// `jupyter` the entry point execs.
const fakeJupyter = `#!/bin/sh
printf '%s\n' "$@" > "$FAKE_JUPYTER_LOG"
printf 'token=%s\n' "$JUPYTER_TOKEN" >> "$FAKE_JUPYTER_LOG"
`

// runEntrypoint runs docker/entrypoint.sh with a fake checkout, work folder
// and jupyter. It returns the fake jupyter's log ("" if it did not run),
// stderr and the exit code.
func runEntrypoint(t *testing.T, home string, env []string, args ...string) (log, stderr string, code int) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skipf("bash not on PATH: %v", err)
	}
	bin := filepath.Join(home, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "jupyter"), []byte(fakeJupyter), 0o755); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(home, "jupyter.log")
	_ = os.Remove(logPath)

	script := filepath.Join(repoRoot(t), "docker", "entrypoint.sh")
	cmd := exec.Command(bash, append([]string{script}, args...)...)
	cmd.Env = append([]string{
		"HOME=" + home,
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"GAN_REPO=" + filepath.Join(home, "gan"),
		"GAN_WORK_DIR=" + filepath.Join(home, "work"),
		"FAKE_JUPYTER_LOG=" + logPath,
	}, env...)
	var errBuf strings.Builder
	cmd.Stderr = &errBuf
	err = cmd.Run()
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", script, err)
	}
	if b, err := os.ReadFile(logPath); err == nil {
		log = string(b)
	}
	return log, errBuf.String(), code
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// newHome makes a home with a checkout holding two notebooks and a work
// folder where the user already edited one of them.
func newHome(t *testing.T) string {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, "gan", "notebooks", "tutorial.ipynb"), "shipped tutorial")
	writeFile(t, filepath.Join(home, "gan", "notebooks", "paper", "mnist.ipynb"), "shipped mnist")
	writeFile(t, filepath.Join(home, "gan", "notebooks", "nbrun", "kernel.go"), "package nbrun")
	writeFile(t, filepath.Join(home, "work", "notebooks", "tutorial.ipynb"), "user's edits")
	return home
}

func TestEntrypoint(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skipf("python3 (used to make a random token) not on PATH: %v", err)
	}
	for _, tc := range []struct {
		name      string
		env       []string
		args      []string
		wantCode  int
		wantArgs  []string // lines expected in the fake jupyter's log
		wantToken string   // "" = any token of at least 32 characters
		wantErr   string   // substring of stderr
		noJupyter bool
	}{
		{
			name:      "empty token is refused",
			env:       []string{"JUPYTER_TOKEN="},
			wantCode:  64,
			wantErr:   "JUPYTER_TOKEN is set but empty",
			noJupyter: true,
		},
		{
			name:      "given token",
			env:       []string{"JUPYTER_TOKEN=s3cret-token-for-tests"},
			wantArgs:  []string{"lab", "--no-browser", "--ip=0.0.0.0", "--port=8888"},
			wantToken: "s3cret-token-for-tests",
		},
		{
			name:     "no token: a random one, printed",
			wantArgs: []string{"lab", "--port=8888"},
			wantErr:  "this run's token is",
		},
		{
			name:      "port from JUPYTER_PORT",
			env:       []string{"JUPYTER_TOKEN=t0ken-t0ken-t0ken", "JUPYTER_PORT=9999"},
			wantArgs:  []string{"--port=9999"},
			wantToken: "t0ken-t0ken-t0ken",
		},
		{
			name:      "a command replaces jupyter",
			args:      []string{"true"},
			noJupyter: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := newHome(t)
			log, stderr, code := runEntrypoint(t, home, tc.env, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tc.wantCode, stderr)
			}
			if tc.wantErr != "" && !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, stderr)
			}
			if tc.noJupyter {
				if log != "" {
					t.Errorf("jupyter ran, with:\n%s", log)
				}
			} else {
				lines := strings.Split(strings.TrimSpace(log), "\n")
				for _, want := range append(tc.wantArgs, "--ServerApp.root_dir="+filepath.Join(home, "work")) {
					found := false
					for _, l := range lines {
						found = found || l == want
					}
					if !found {
						t.Errorf("jupyter args lack %q; got %q", want, lines)
					}
				}
				token := strings.TrimPrefix(lines[len(lines)-1], "token=")
				if tc.wantToken != "" && token != tc.wantToken {
					t.Errorf("jupyter got token %q, want %q", token, tc.wantToken)
				}
				if len(token) < 32 && tc.wantToken == "" {
					t.Errorf("generated token %q is shorter than 32 characters", token)
				}
			}
			if tc.wantCode != 0 {
				return
			}

			// The work folder: the user's edit kept, the missing notebook
			// copied, non-notebook files not copied.
			for _, f := range []struct{ path, want string }{
				{"work/notebooks/tutorial.ipynb", "user's edits"},
				{"work/notebooks/paper/mnist.ipynb", "shipped mnist"},
			} {
				got, err := os.ReadFile(filepath.Join(home, f.path))
				if err != nil || string(got) != f.want {
					t.Errorf("%s = %q (%v), want %q", f.path, got, err, f.want)
				}
			}
			if _, err := os.Stat(filepath.Join(home, "work", "notebooks", "nbrun", "kernel.go")); err == nil {
				t.Errorf("a non-notebook file was copied into the work folder")
			}
		})
	}
}
