package docker

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// reShellShebang matches the first line of a sh or bash script.
var reShellShebang = regexp.MustCompile(`^#!\s*/(usr/)?bin/(env\s+)?(ba|da)?sh\b`)

// shellScripts lists the repository's shell scripts: files named *.sh, and
// files without an extension whose first line is a sh/bash shebang (such as
// .ci/run). It skips .git and testdata folders.
func shellScripts(t *testing.T, root string) []string {
	t.Helper()
	var scripts []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "testdata" || name == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch ext := filepath.Ext(path); {
		case ext == ".sh" || ext == ".bash":
			scripts = append(scripts, path)
		case ext == "" && hasShellShebang(path):
			scripts = append(scripts, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking %s: %v", root, err)
	}
	return scripts
}

func hasShellShebang(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer func() { _ = f.Close() }()
	line, _ := bufio.NewReader(f).ReadString('\n')
	return reShellShebang.MatchString(line)
}

func lookShellcheck(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck is not installed (apt-get install -y shellcheck): " +
			"shell scripts were NOT checked")
	}
	return path
}

// TestShellcheck runs shellcheck on every shell script in the repository.
func TestShellcheck(t *testing.T) {
	shellcheck := lookShellcheck(t)
	root := repoRoot(t)
	scripts := shellScripts(t, root)
	if len(scripts) == 0 {
		t.Fatalf("no shell scripts found under %s; docker/ has some", root)
	}
	for _, script := range scripts {
		rel, _ := filepath.Rel(root, script)
		t.Run(rel, func(t *testing.T) {
			cmd := exec.Command(shellcheck, "--external-sources", "--format=gcc", script)
			cmd.Dir = filepath.Dir(script)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("shellcheck %s: %v\n%s", rel, err, out)
			}
		})
	}
}

// TestShellcheckDockerfileRUN runs shellcheck on the Dockerfile's RUN
// commands (shell form), as hadolint does, with bash (the Dockerfile's
// SHELL). Build arguments count as assigned (SC2154 is off).
func TestShellcheckDockerfileRUN(t *testing.T) {
	shellcheck := lookShellcheck(t)
	df := parseDockerfile(t, filepath.Join(repoRoot(t), "docker", "Dockerfile"))
	dir := t.TempDir()
	runs := 0
	for _, in := range df.instrs {
		if in.keyword != "RUN" || strings.HasPrefix(in.args, "[") {
			continue
		}
		runs++
		script := filepath.Join(dir, "run.sh")
		content := "#!/bin/bash\nset -o pipefail\n" + in.args + "\n"
		if err := os.WriteFile(script, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(shellcheck, "--exclude=SC2154", "--format=gcc", script)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("Dockerfile:%d: shellcheck on RUN %q: %v\n%s", in.line, in.args, err, out)
		}
	}
	if runs == 0 {
		t.Errorf("the Dockerfile has no RUN instruction to check")
	}
}

// TestShellScriptsFound checks the script finder on a made-up tree.
func TestShellScriptsFound(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.sh"), "echo a\n")
	writeFile(t, filepath.Join(root, ".ci", "run"), "#!/usr/bin/env bash\necho run\n")
	writeFile(t, filepath.Join(root, "tool"), "#!/bin/sh\necho tool\n")
	writeFile(t, filepath.Join(root, "script.py"), "#!/usr/bin/env python3\n")
	writeFile(t, filepath.Join(root, "Makefile"), "all:\n\techo\n")
	writeFile(t, filepath.Join(root, "testdata", "b.sh"), "echo b\n")
	writeFile(t, filepath.Join(root, ".git", "hooks", "pre-commit"), "#!/bin/sh\n")

	var got []string
	for _, p := range shellScripts(t, root) {
		rel, _ := filepath.Rel(root, p)
		got = append(got, filepath.ToSlash(rel))
	}
	// Expected by hand: the .sh file and the two shebang scripts.
	if want := ".ci/run,a.sh,tool"; strings.Join(got, ",") != want {
		t.Errorf("shellScripts = %v, want %s", got, want)
	}
}
