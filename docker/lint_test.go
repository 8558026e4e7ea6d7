package docker

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// imageFiles returns the files that define the image: the Dockerfile, its
// shell scripts and compose.yaml, by name relative to docker/.
func imageFiles(t *testing.T) []string {
	t.Helper()
	scripts, err := filepath.Glob(filepath.Join(repoRoot(t), "docker", "*.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Fatal("docker/ has no shell scripts; the Dockerfile runs some")
	}
	files := []string{"Dockerfile", "compose.yaml"}
	for _, s := range scripts {
		files = append(files, filepath.Base(s))
	}
	return files
}

// codeLines returns the file's lines with full-line comments blanked, so
// that rules apply to what runs, not to what the comments explain, and each
// command continued with a backslash joined onto its first line (the lines
// it absorbed are left empty, so indices still give line numbers).
func codeLines(t *testing.T, path string) []string {
	t.Helper()
	lines := strings.Split(readFile(t, path), "\n")
	start := -1 // index of the line a continuation joins onto
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines[i] = ""
			continue
		}
		if start >= 0 {
			lines[start] += " " + strings.TrimSpace(l)
			lines[i] = ""
		} else {
			start = i
		}
		if strings.HasSuffix(strings.TrimSpace(lines[start]), `\`) {
			lines[start] = strings.TrimSuffix(strings.TrimSpace(lines[start]), `\`)
		} else {
			start = -1
		}
	}
	return lines
}

var (
	reLatest         = regexp.MustCompile(`[@:]` + "latest" + `\b`) // a floating "latest" version or tag
	rePipeToShell    = regexp.MustCompile(`\b(curl|wget)\b[^|]*\|\s*(sudo\s+)?(ba|da|z)?sh\b`)
	reDownload       = regexp.MustCompile(`(^|[;&|(]|\s)(curl|wget)\s+-`)
	reURL            = regexp.MustCompile(`https?://[^\s"')]+`)
	reShellSeparator = regexp.MustCompile(`&&|\|\||;|\|`)
	rePipInstall     = regexp.MustCompile(`\bpip3?["']?\s+install\b(.*)`)
)

// TestHadolintStyle applies hadolint-like rules to the image's files:
// no floating "latest" tag or module version, no `curl | sh`, downloads pinned by a version
// parameter and checked with sha256sum, pip packages pinned with ==.
func TestHadolintStyle(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "docker")
	for _, name := range imageFiles(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			lines := codeLines(t, path)
			code := strings.Join(lines, "\n")
			for i, l := range lines {
				if reLatest.MatchString(l) {
					t.Errorf("%s:%d: unpinned version (latest): %s", name, i+1, strings.TrimSpace(l))
				}
				if rePipeToShell.MatchString(l) {
					t.Errorf("%s:%d: pipes a download into a shell: %s", name, i+1, strings.TrimSpace(l))
				}
				if m := rePipInstall.FindStringSubmatch(l); m != nil {
					// The arguments up to the end of this command.
					pipArgs := reShellSeparator.Split(m[1], 2)[0]
					for _, arg := range strings.Fields(pipArgs) {
						arg = strings.Trim(arg, `"'\`)
						if arg == "" || strings.HasPrefix(arg, "-") || strings.HasPrefix(arg, "$") {
							continue // options and their values
						}
						if !strings.Contains(arg, "==") {
							t.Errorf("%s:%d: pip package %q is not pinned with ==", name, i+1, arg)
						}
					}
				}
			}

			// Downloads: in a file that runs curl or wget, every URL outside
			// an echo carries a version parameter, and the file verifies
			// what it fetched.
			downloads := 0
			for _, l := range lines {
				if reDownload.MatchString(l) {
					downloads++
				}
			}
			for i, l := range lines {
				if downloads == 0 || strings.HasPrefix(strings.TrimSpace(l), "echo ") {
					continue
				}
				for _, url := range reURL.FindAllString(l, -1) {
					if !strings.Contains(url, "${") {
						t.Errorf("%s:%d: download URL %s names no version parameter", name, i+1, url)
					}
				}
			}
			if downloads > 0 && !strings.Contains(code, "sha256sum --check") {
				t.Errorf("%s downloads with curl/wget but never runs sha256sum --check", name)
			}
		})
	}
}

// TestDockerfileRules checks the Dockerfile's structure: base images, users,
// environment, copied files and targets.
func TestDockerfileRules(t *testing.T) {
	root := repoRoot(t)
	df := parseDockerfile(t, filepath.Join(root, "docker", "Dockerfile"))

	// FROM: a previous stage or ${BASE_IMAGE} (pinned, see TestBaseImage).
	seen := map[string]bool{}
	for _, in := range df.instrs {
		if in.keyword != "FROM" {
			continue
		}
		image := strings.Fields(in.args)[0]
		if !seen[image] && image != "${BASE_IMAGE}" {
			t.Errorf("Dockerfile:%d: FROM %s is neither ${BASE_IMAGE} nor an earlier stage", in.line, image)
		}
		seen[in.stage] = true
	}

	// The targets users build, each ending as the non-root user.
	for _, target := range []string{"cpu", "gpu", "runtime"} {
		instrs := df.stageInstrs(target)
		if len(instrs) == 0 && target != "runtime" {
			t.Errorf("Dockerfile has no %q stage (the documented --target)", target)
			continue
		}
		user := ""
		for _, in := range instrs {
			if in.keyword == "USER" {
				user = in.args
			}
		}
		if user == "" || user == "root" || user == "0" || strings.HasPrefix(user, "0:") {
			t.Errorf("stage %s ends as user %q; want the notebook user ${NB_USER}", target, user)
		}
	}
	if last := df.stages[len(df.stages)-1]; last != "cpu" {
		t.Errorf("last stage is %q; the default target should be cpu", last)
	}
	if nbUser := df.arg(t, "NB_USER"); nbUser == "root" {
		t.Errorf("NB_USER=root")
	}

	// Environment the notebooks rely on.
	env := ""
	for _, in := range df.instrs {
		if in.keyword == "ENV" && (in.stage == "runtime" || in.stage == "gpu") {
			env += " " + in.args
		}
	}
	for _, want := range []string{"GOMLX_NO_AUTO_INSTALL=1", "GOEXPERIMENT=simd", "GOTOOLCHAIN=local",
		"GOMLX_BACKEND=xla:cuda"} {
		if !strings.Contains(env, want) {
			t.Errorf("Dockerfile sets no ENV %s", want)
		}
	}

	// COPY sources from the build context exist (the context is the root).
	for _, in := range df.instrs {
		if in.keyword != "COPY" || strings.Contains(in.args, "--from=") {
			continue
		}
		var paths []string
		for _, f := range strings.Fields(in.args) {
			if !strings.HasPrefix(f, "--") {
				paths = append(paths, f)
			}
		}
		for _, src := range paths[:len(paths)-1] {
			if _, err := os.Stat(filepath.Join(root, src)); err != nil {
				t.Errorf("Dockerfile:%d: COPY source %s is not in the repository: %v", in.line, src, err)
			}
		}
	}

	// Jupyter's port, and a volume for the notebooks.
	var expose, volume bool
	for _, in := range df.instrs {
		expose = expose || (in.keyword == "EXPOSE" && in.args == "8888")
		volume = volume || (in.keyword == "VOLUME" && strings.Contains(in.args, "/work"))
	}
	if !expose || !volume {
		t.Errorf("Dockerfile: EXPOSE 8888 = %v, VOLUME .../work = %v; want both", expose, volume)
	}
}

var rePublish = regexp.MustCompile(`(?:^|\s)(?:-p|--publish)[ =](\S+)`)

// TestPortsBoundToLoopback checks that every documented port mapping, in
// README.md's run lines and in compose.yaml, binds to 127.0.0.1 only.
func TestPortsBoundToLoopback(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "docker")

	readme := readFile(t, filepath.Join(dir, "README.md"))
	published := 0
	for i, l := range strings.Split(readme, "\n") {
		if !strings.Contains(l, "docker run") && !strings.HasPrefix(strings.TrimSpace(l), "-p") &&
			!strings.HasPrefix(strings.TrimSpace(l), "--publish") {
			continue
		}
		for _, m := range rePublish.FindAllStringSubmatch(l, -1) {
			published++
			if !strings.HasPrefix(strings.Trim(m[1], `"'`), "127.0.0.1:") {
				t.Errorf("README.md:%d: port mapping %s is not bound to 127.0.0.1", i+1, m[1])
			}
		}
	}
	if published == 0 {
		t.Errorf("README.md documents no `docker run -p 127.0.0.1:...` line")
	}

	// compose.yaml: the items of every ports: list.
	inPorts, mappings := false, 0
	for i, l := range strings.Split(readFile(t, filepath.Join(dir, "compose.yaml")), "\n") {
		trimmed := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(trimmed, "ports:"):
			inPorts = true
		case inPorts && strings.HasPrefix(trimmed, "- "):
			mappings++
			if item := strings.Trim(strings.TrimPrefix(trimmed, "- "), `"'`); !strings.HasPrefix(item, "127.0.0.1:") {
				t.Errorf("compose.yaml:%d: port mapping %s is not bound to 127.0.0.1", i+1, item)
			}
		case trimmed != "" && !strings.HasPrefix(trimmed, "#"):
			inPorts = false
		}
	}
	if mappings == 0 {
		t.Errorf("compose.yaml maps no port")
	}
}

// TestComposeServices checks compose.yaml's services, by text (the module
// has no YAML library): cpu and gpu profiles, a required token, the volume,
// and a GPU reservation for gpu.
func TestComposeServices(t *testing.T) {
	compose := readFile(t, filepath.Join(repoRoot(t), "docker", "compose.yaml"))
	for _, want := range []string{
		`profiles: ["cpu"]`,
		`profiles: ["gpu"]`,
		"target: cpu",
		"target: gpu",
		"JUPYTER_TOKEN: ${JUPYTER_TOKEN:?", // compose refuses to start without one
		"gan-work:/home/gan/work",
		"driver: nvidia",
		"capabilities: [gpu]",
		"dockerfile: docker/Dockerfile",
	} {
		if !strings.Contains(compose, want) {
			t.Errorf("compose.yaml lacks %q", want)
		}
	}
	for i, l := range strings.Split(compose, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "JUPYTER_TOKEN:") && !strings.HasPrefix(l, "JUPYTER_TOKEN: ${JUPYTER_TOKEN:?") {
			t.Errorf("compose.yaml:%d: JUPYTER_TOKEN set without the required (:?) form: %s", i+1, l)
		}
	}
}

// TestReadmeNamesPins checks that README.md's table still names the pinned
// versions, so the documentation moves with the Dockerfile.
func TestReadmeNamesPins(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "docker")
	df := parseDockerfile(t, filepath.Join(dir, "Dockerfile"))
	readme := readFile(t, filepath.Join(dir, "README.md"))
	for _, arg := range []string{"BASE_IMAGE", "GO_VERSION", "GONB_VERSION", "GOPLS_VERSION",
		"PJRT_CPU_VERSION", "JAX_CUDA_VERSION", "JUPYTERLAB_VERSION"} {
		if v := df.arg(t, arg); !strings.Contains(readme, v) {
			t.Errorf("docker/README.md does not mention %s=%s", arg, v)
		}
	}
}
