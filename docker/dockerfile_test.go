package docker

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	line    int    // 1-based line where it starts
	keyword string // upper case: FROM, ARG, RUN, ...
	args    string // the rest, continuation backslashes removed
	stage   string // name (or index) of the stage it belongs to; "" before the first FROM
}

// dockerfile is a parsed Dockerfile: enough of the syntax for these tests
// (comments, line continuations, parser directives), not a full parser.
type dockerfile struct {
	path   string
	instrs []instruction
	// args maps ARG names to their default values, from ARG lines with a
	// value; a later declaration with a value overrides an earlier one.
	args map[string]string
	// stages lists the stage names in order ("" for an unnamed stage).
	stages []string
}

var reStageName = regexp.MustCompile(`(?i)\s+AS\s+(\S+)\s*$`)

func parseDockerfile(t *testing.T, path string) *dockerfile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("cannot read the Dockerfile: %v", err)
	}
	defer func() { _ = f.Close() }()

	df := &dockerfile{path: path, args: map[string]string{}}
	scanner := bufio.NewScanner(f)
	var (
		pending   strings.Builder
		startLine int
		lineNo    int
		stage     string
	)
	flush := func() {
		text := strings.TrimSpace(pending.String())
		pending.Reset()
		if text == "" {
			return
		}
		keyword, rest, _ := strings.Cut(text, " ")
		in := instruction{line: startLine, keyword: strings.ToUpper(keyword),
			args: strings.TrimSpace(rest)}
		if in.keyword == "FROM" {
			stage = ""
			if m := reStageName.FindStringSubmatch(in.args); m != nil {
				stage = m[1]
			}
			df.stages = append(df.stages, stage)
		}
		in.stage = stage
		df.instrs = append(df.instrs, in)
		if in.keyword == "ARG" {
			name, value, hasValue := strings.Cut(in.args, "=")
			if hasValue {
				df.args[strings.TrimSpace(name)] = strings.Trim(strings.TrimSpace(value), `"'`)
			}
		}
	}
	for scanner.Scan() {
		lineNo++
		line := scanner.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			continue // comments, parser directives; also inside continuations
		}
		if pending.Len() == 0 {
			if trimmed == "" {
				continue
			}
			startLine = lineNo
		}
		if strings.HasSuffix(trimmed, `\`) {
			pending.WriteString(strings.TrimSpace(strings.TrimSuffix(trimmed, `\`)))
			pending.WriteString(" ")
			continue
		}
		pending.WriteString(trimmed)
		flush()
	}
	flush()
	if err := scanner.Err(); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	if len(df.stages) == 0 {
		t.Fatalf("%s: no FROM instruction", path)
	}
	return df
}

// stageInstrs returns the instructions of the named stage.
func (df *dockerfile) stageInstrs(stage string) []instruction {
	var out []instruction
	for _, in := range df.instrs {
		if in.stage == stage && stage != "" {
			out = append(out, in)
		}
	}
	return out
}

// arg returns the default of ARG name, failing the test if it has none.
func (df *dockerfile) arg(t *testing.T, name string) string {
	t.Helper()
	v, ok := df.args[name]
	if !ok || v == "" {
		t.Fatalf("%s: ARG %s has no default value", df.path, name)
	}
	return v
}

// repoRoot is the repository root (this package lives in <root>/docker).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root %s has no go.mod: %v", root, err)
	}
	return root
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read %s: %v", path, err)
	}
	return string(b)
}

// TestParseDockerfile checks the small parser on a made-up Dockerfile.
func TestParseDockerfile(t *testing.T) {
	const text = "# syntax=docker/dockerfile:1\n" +
		"ARG A=1\n" +
		"ARG B=\"two\"\n" +
		"ARG C\n" +
		"FROM debian:13.2-slim AS base\n" +
		"ARG A\n" +
		"RUN echo a \\\n" +
		"    # a comment inside a continuation\n" +
		"    && echo b\n" +
		"FROM base AS final\n" +
		"USER nobody\n"
	path := filepath.Join(t.TempDir(), "Dockerfile")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	df := parseDockerfile(t, path)

	// Expected values read off the text above by hand.
	if got, want := strings.Join(df.stages, ","), "base,final"; got != want {
		t.Errorf("stages = %q, want %q", got, want)
	}
	if df.args["A"] != "1" || df.args["B"] != "two" {
		t.Errorf("args = %v, want A=1 B=two", df.args)
	}
	if _, ok := df.args["C"]; ok {
		t.Errorf("ARG C has no value but was recorded: %v", df.args)
	}
	run := df.stageInstrs("base")
	if len(run) != 3 || run[2].keyword != "RUN" || run[2].args != "echo a && echo b" || run[2].line != 7 {
		t.Errorf("stage base = %+v, want FROM, ARG, RUN %q at line 7", run, "echo a && echo b")
	}
	if final := df.stageInstrs("final"); len(final) != 2 || final[1].args != "nobody" {
		t.Errorf("stage final = %+v, want FROM then USER nobody", final)
	}
}
