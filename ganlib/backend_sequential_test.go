package ganlib

import (
	"strings"
	"testing"
)

func TestWithSequentialGoOps(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain go", "go", "go:ops_sequential"},
		{"go with empty options", "go:", "go:ops_sequential"},
		{"go with other options", "go:parallelism=4", "go:parallelism=4,ops_sequential"},
		{"already sequential", "go:ops_sequential", "go:ops_sequential"},
		{"explicit parallel kept", "go:ops_parallel", "go:ops_parallel"},
		{"explicit parallel among others", "go:parallelism=2,ops_parallel", "go:parallelism=2,ops_parallel"},
		{"xla untouched", "xla:cuda", "xla:cuda"},
		{"xla cpu untouched", "xla:cpu", "xla:cpu"},
		{"other backend named like go", "gopher", "gopher"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := WithSequentialGoOps(tc.in); got != tc.want {
				t.Errorf("WithSequentialGoOps(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestChooseBackendPureGoIsSequential checks that every pure-Go choice gets
// the sequential option unless it names an ops mode, and says why.
func TestChooseBackendPureGoIsSequential(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"go", "go:ops_sequential"},
		{"go:parallelism=2", "go:parallelism=2,ops_sequential"},
		{"go:ops_parallel", "go:ops_parallel"},
	} {
		t.Setenv(BackendEnvVar, tc.env)
		choice := ChooseBackend()
		if choice.Config != tc.want {
			t.Errorf("GOMLX_BACKEND=%q: ChooseBackend().Config = %q, want %q", tc.env, choice.Config, tc.want)
		}
		if added := tc.want != tc.env; added != strings.Contains(choice.Reason, GoSequentialOption) {
			t.Errorf("GOMLX_BACKEND=%q: reason %q should mention %s only when it was added",
				tc.env, choice.Reason, GoSequentialOption)
		}
	}

	t.Setenv(BackendEnvVar, "go")
	b, choice, err := Backend()
	if err != nil {
		t.Fatal(err)
	}
	if b == nil || choice.Config != "go:ops_sequential" {
		t.Fatalf("Backend() = %v, %+v; want a backend with config go:ops_sequential", b, choice)
	}
	if MustBackend() != b {
		t.Error("MustBackend returned another backend; want the same process-wide one")
	}
}
