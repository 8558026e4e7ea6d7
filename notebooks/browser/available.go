package browser

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pkg/errors"
)

// ChromiumEnvVar names an environment variable that, when set, is the path of
// the Chromium (or Chrome) binary to use.
const ChromiumEnvVar = "GAN_CHROMIUM"

// KernelName is the kernel spec the notebooks ask for (installed by
// `make setup`).
const KernelName = "gonb"

// FindChromium returns the browser to drive: $GAN_CHROMIUM when set, else the
// first of chromium, chromium-browser, google-chrome-stable, google-chrome on
// PATH.
func FindChromium() (string, error) {
	if p := os.Getenv(ChromiumEnvVar); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", errors.Errorf("browser: $%s=%q: %v", ChromiumEnvVar, p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.Errorf("browser: no chromium on PATH: install it with "+
		"`apt-get install -y chromium` (or set $%s to a Chrome/Chromium binary)", ChromiumEnvVar)
}

// FindKernelSpec returns the folder of the kernel spec name, searched in the
// data folders Jupyter itself reports (`jupyter --paths --json`), in order.
func FindKernelSpec(name string) (string, error) {
	out, err := exec.Command("jupyter", "--paths", "--json").Output()
	if err != nil {
		return "", errors.Wrap(err, "browser: `jupyter --paths --json` failed (is Jupyter installed?)")
	}
	var paths struct {
		Data []string `json:"data"`
	}
	if err := json.Unmarshal(out, &paths); err != nil {
		return "", errors.Wrapf(err, "browser: decoding `jupyter --paths --json` output %q", out)
	}
	for _, d := range paths.Data {
		dir := filepath.Join(d, "kernels", name)
		if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err == nil {
			return dir, nil
		}
	}
	return "", errors.Errorf("browser: kernel spec %q not found in Jupyter's data folders %v: "+
		"run `make setup`", name, paths.Data)
}

// KernelCheckout returns the checkout the kernel spec name builds cells
// against: the value of GoNB's --go_work flag in its kernel.json ("" when the
// spec has none).
func KernelCheckout(name string) (string, error) {
	dir, err := FindKernelSpec(name)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "kernel.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return "", errors.WithStack(err)
	}
	var spec struct {
		Argv []string `json:"argv"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		return "", errors.Wrapf(err, "browser: decoding %s", path)
	}
	for _, arg := range spec.Argv {
		for _, prefix := range []string{"--go_work=", "-go_work="} {
			if v, ok := strings.CutPrefix(arg, prefix); ok {
				return v, nil
			}
		}
	}
	return "", nil
}

// Available reports what is missing to run notebooks in a browser: Chromium,
// jupyter-notebook, or the gonb kernel spec. nil means everything is there.
func Available() error {
	if _, err := FindChromium(); err != nil {
		return err
	}
	if _, err := exec.LookPath("jupyter-notebook"); err != nil {
		return errors.New("browser: jupyter-notebook not on PATH: install the Debian package " +
			"jupyter-notebook (`make setup` does)")
	}
	_, err := FindKernelSpec(KernelName)
	return err
}
