package ganlib

import (
	"os"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // registers the pure-Go backend, "go"
	"github.com/pkg/errors"
	"k8s.io/klog/v2"
)

// BackendEnvVar is the environment variable that, when set, names the backend
// configuration explicitly, in GoMLX's format "<backend>[:<config>]", e.g.
// "go", "xla:cpu" or "xla:cuda".
const BackendEnvVar = compute.ConfigEnvVar // "GOMLX_BACKEND"

// XLAInstallHint tells a user how to make the XLA backend available.
const XLAInstallHint = "install the PJRT plugin for your platform (for example the CPU plugin " +
	"from github.com/gomlx/pjrt-cpu-binaries) into /usr/local/lib/go-xla or " +
	"$HOME/.local/lib/go-xla, or point PJRT_PLUGIN_LIBRARY_PATH at the folder " +
	"holding pjrt_c_api_<name>_plugin.so; the docker/ image ships it ready"

// BackendChoice is the backend this package decided to use, and why.
type BackendChoice struct {
	// Config is the GoMLX backend configuration, e.g. "go" or "xla:cuda".
	Config string
	// Reason says in words why this backend was chosen.
	Reason string
}

// String implements fmt.Stringer.
func (c BackendChoice) String() string { return c.Config + " (" + c.Reason + ")" }

// ChooseBackend decides which GoMLX backend to use, without creating it:
//
//  1. $GOMLX_BACKEND when set;
//  2. XLA when a PJRT plugin is already installed (CUDA preferred over CPU);
//  3. otherwise GoMLX's pure-Go backend ("go").
//
// A pure-Go configuration gets the option "ops_sequential" unless it names an
// ops mode itself ("go:ops_parallel" keeps the parallel mode), because the
// parallel mode of GoMLX compute v0.1.0 can deadlock (backend_sequential.go).
//
// It never downloads anything: XLA's automatic plugin installation is turned
// off before plugins are searched.
func ChooseBackend() BackendChoice {
	var choice BackendChoice
	if config, ok := os.LookupEnv(BackendEnvVar); ok && config != "" {
		choice = BackendChoice{Config: config, Reason: "set by $" + BackendEnvVar}
	} else if plugins, err := xlaPlugins(); err != nil {
		choice = BackendChoice{Config: "go", Reason: err.Error() + "; pure-Go backend"}
	} else if len(plugins) > 0 {
		return BackendChoice{Config: "xla:" + plugins[0],
			Reason: "XLA PJRT plugin " + plugins[0] + " is installed"}
	} else {
		choice = BackendChoice{Config: "go", Reason: "no XLA PJRT plugin installed; pure-Go backend"}
	}

	// The pure-Go backend runs a graph's ops one at a time (see
	// backend_sequential.go: its parallel mode can deadlock).
	if cfg := WithSequentialGoOps(choice.Config); cfg != choice.Config {
		choice.Config = cfg
		choice.Reason += "; ops run one at a time (" + GoSequentialOption +
			"), avoiding a worker-pool deadlock of the pure-Go backend"
	}
	return choice
}

var (
	backendOnce   sync.Once
	backendShared compute.Backend
	backendChosen BackendChoice
	backendErr    error
)

// Backend returns the process-wide backend picked by ChooseBackend, creating
// it on first use and logging the choice once (klog.V(1) and the returned
// BackendChoice). Asking for XLA when no plugin is installed returns an error
// that says how to install it; nothing is downloaded.
func Backend() (compute.Backend, BackendChoice, error) {
	backendOnce.Do(func() {
		backendChosen = ChooseBackend()
		backendShared, backendErr = NewBackend(backendChosen.Config)
		if backendErr == nil {
			klog.V(1).Infof("ganlib: backend %s", backendChosen)
		}
	})
	return backendShared, backendChosen, backendErr
}

// MustBackend is Backend for notebooks and tests: it panics on error.
func MustBackend() compute.Backend {
	b, _, err := Backend()
	if err != nil {
		panic(err)
	}
	return b
}

// NewBackend creates a new backend for config (GoMLX's "<backend>[:<config>]"
// format). XLA's automatic download of plugins is always disabled.
func NewBackend(config string) (b compute.Backend, err error) {
	name, _, _ := strings.Cut(config, ":")
	isXLA := name == "xla" || name == "stablehlo" || name == "hlo" || name == "shlo"
	if isXLA {
		plugins, err := xlaPlugins()
		if err != nil {
			return nil, errors.Errorf("ganlib: backend %q asked for, but %v: reinstall the plugin (%s)",
				config, err, XLAInstallHint)
		}
		if len(plugins) == 0 {
			hint := XLAInstallHint
			if strings.Contains(config, "cuda") {
				hint = "install the CUDA PJRT plugin and the NVIDIA libraries it needs (go-xla's " +
					"installer package, installer.CudaInstall, does this) into /usr/local/lib/go-xla or " +
					"$HOME/.local/lib/go-xla, or point PJRT_PLUGIN_LIBRARY_PATH at its folder; the docker/ " +
					"image's gpu target ships it ready"
			}
			return nil, errors.Errorf("ganlib: backend %q asked for, but no XLA PJRT plugin is installed: %s; "+
				"or unset %s to use the pure-Go backend", config, hint, BackendEnvVar)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, errors.Errorf("ganlib: cannot create backend %q: %v (known backends: %q)",
				config, r, compute.List())
		}
	}()
	b, err = compute.NewWithConfig(config)
	if err != nil {
		return nil, errors.WithMessagef(err, "ganlib: cannot create backend %q", config)
	}
	return b, nil
}
