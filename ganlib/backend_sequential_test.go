package ganlib

import "testing"

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

// TestTrainingBackendPureGo checks that, with $GOMLX_BACKEND=go, the training
// backend is created with the sequential option and says why.
func TestTrainingBackendPureGo(t *testing.T) {
	if ChooseBackend().Config != "go" {
		t.Skip("needs GOMLX_BACKEND=go (or no XLA plugin)")
	}
	b, choice, err := TrainingBackend()
	if err != nil {
		t.Fatal(err)
	}
	if b == nil || choice.Config != "go:ops_sequential" {
		t.Fatalf("TrainingBackend() = %v, %+v; want a backend with config go:ops_sequential", b, choice)
	}
	if MustTrainingBackend() != b {
		t.Error("MustTrainingBackend returned another backend; want the same process-wide one")
	}
}
