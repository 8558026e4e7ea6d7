package nbsetup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckGoVersion(t *testing.T) {
	// Expected: Go's release ordering (go.dev/doc/toolchain#version), which
	// go/version implements; rc and beta come before the release.
	tests := []struct {
		name, found, need string
		wantErr           string // "" = accepted
	}{
		{"newer patch", "go1.26.8", "1.26.5", ""},
		{"equal", "go1.26.5", "1.26.5", ""},
		{"newer minor", "go1.27.0", "1.26.5", ""},
		{"no prefix", "1.26.6", "1.26.5", ""},
		{"older patch", "go1.26.4", "1.26.5", "Go 1.26.4 found, this project needs ≥ 1.26.5"},
		{"older minor (GAN-30 Colab)", "go1.22.2", "1.26.5", "Go 1.22.2 found, this project needs ≥ 1.26.5"},
		{"release candidate", "go1.26rc1", "1.26.5", "Go 1.26rc1 found, this project needs ≥ 1.26.5"},
		{"language version only", "go1.26", "1.26.5", "Go 1.26 found, this project needs ≥ 1.26.5"},
		{"experiment suffix", "go1.26.8-X:simd", "1.26.5", ""},
		{"old with experiment suffix", "go1.22.2-X:simd", "1.26.5", "Go 1.22.2 found, this project needs ≥ 1.26.5"},
		{"old with spaced suffix", "go1.25.1 X:simd", "1.26.5", "Go 1.25.1 found"},
		{"devel build accepted", "devel go1.27-abcdef", "1.26.5", ""},
		{"bad need", "go1.26.8", "latest", `need = "latest" is not a Go version`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckGoVersion(tc.found, tc.need)
			if tc.wantErr == "" {
				if err != nil {
					t.Errorf("CheckGoVersion(%q, %q) = %v, want nil", tc.found, tc.need, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("CheckGoVersion(%q, %q) = %v, want an error containing %q", tc.found, tc.need, err, tc.wantErr)
			}
		})
	}
	var vErr *GoVersionError
	if err := CheckGoVersion("go1.25.0", "1.26.5"); !errors.As(err, &vErr) || vErr.Found != "1.25.0" {
		t.Errorf("CheckGoVersion(go1.25.0): %v, want a *GoVersionError with Found 1.25.0", err)
	}
}

// TestMinGoVersionMatchesGoMod keeps MinGoVersion equal to go.mod's go line,
// which must name a full release (GAN-30: "go 1.26" without a patch made
// distribution-packaged Go fail with "toolchain not available").
func TestMinGoVersionMatchesGoMod(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := ""
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "go" {
			goLine = f[1]
		}
	}
	if goLine != MinGoVersion {
		t.Errorf("go.mod says go %q, MinGoVersion = %q: keep them equal", goLine, MinGoVersion)
	}
	if strings.Count(goLine, ".") != 2 {
		t.Errorf("go.mod's go line %q lacks a patch number", goLine)
	}
	if s := GoSummary(); strings.Contains(s, "X:") {
		t.Errorf("GoSummary() = %q shows the experiment suffix", s)
	}
	if err := CheckGo(); err != nil {
		t.Errorf("CheckGo with the toolchain running this test: %v", err)
	}
}
