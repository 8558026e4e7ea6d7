package nbrun

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestRunWithoutNetwork runs cmd/nbrun in a Linux network namespace that has
// only a loopback interface, with a real GOPROXY and GOFLAGS=-mod=mod in the
// environment: every fixture that imports the project, GoMLX or gonbui must
// still build and run. (Without GOPROXY=off in the kernel, GoNB's `go get`
// would fail here asking proxy.golang.org about ".../core/graph/@v/list".)
// Needs root, unshare and ip; skipped otherwise.
func TestRunWithoutNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("executes notebooks with Jupyter and GoNB (skipped with -short)")
	}
	requireTools(t)
	if err := exec.Command("unshare", "-n", "sh", "-c", "ip link set lo up").Run(); err != nil {
		t.Skipf("cannot make a network namespace (needs root, unshare, ip): %v", err)
	}
	g, err := FindGoEnv()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "nbrun")
	if out, err := exec.Command(g.GoBin, "build", "-o", bin, "../cmd/nbrun").CombinedOutput(); err != nil {
		t.Fatalf("go build ../cmd/nbrun: %v\n%s", err, out)
	}
	cmd := exec.Command("unshare", "-n", "sh", "-c", `ip link set lo up && exec "$0" "$@"`,
		bin, "-out", t.TempDir(), fixture("import_project"), fixture("good"))
	cmd.Env = append(os.Environ(), "GOPROXY=https://proxy.golang.org,direct", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbrun without network: %v\n%s", err, out)
	}
}
