package browser_test

import (
	"bytes"
	"net/url"
	"testing"

	"github.com/gan-notebooks/gan/notebooks/browser"
)

func TestImageSource(t *testing.T) {
	tests := []struct {
		name, src, mime string
		data            []byte // nil: Data fails
	}{
		{"png", "data:image/png;base64,iVBORw==", "image/png", []byte{0x89, 'P', 'N', 'G'}},
		{"svg utf8", "data:image/svg+xml;utf8,<svg/>", "image/svg+xml", nil},
		{"not data", "https://example.com/a.png", "", nil},
		{"empty", "", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			im := browser.Image{Src: tc.src}
			if got := im.MIMEType(); got != tc.mime {
				t.Errorf("MIMEType() = %q, want %q", got, tc.mime)
			}
			got, err := im.Data()
			if tc.data == nil {
				if err == nil {
					t.Errorf("Data() = %q, want an error", got)
				}
				return
			}
			if err != nil || !bytes.Equal(got, tc.data) {
				t.Errorf("Data() = %q, %v; want %q", got, err, tc.data)
			}
		})
	}
}

func TestReportErrors(t *testing.T) {
	r := &browser.Report{Cells: []browser.Cell{
		{Index: 0, Type: "markdown"},
		{Index: 1, Type: "code", Outputs: []browser.Output{
			{Type: "stream", Text: "stdout: fine\n"},
			{Type: "display_data", MIMETypes: []string{"image/png"}},
		}},
		{Index: 2, Type: "code", Outputs: []browser.Output{
			{Type: "stream", Text: "stderr: panic: boom\n"},
			{Type: "error", Text: "ERROR: exit status 2"},
		}},
	}}
	got := r.Errors()
	want := []string{"cell 2: stderr: panic: boom\n", "cell 2: ERROR: exit status 2"}
	if len(got) != len(want) {
		t.Fatalf("Errors() = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Errors()[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestNotebookURL(t *testing.T) {
	s := &browser.Server{Base: "http://127.0.0.1:8888/", Token: "ab+c"}
	got := s.NotebookURL("dir/a b#1.ipynb")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/notebooks/dir/a b#1.ipynb" || u.Query().Get("token") != "ab+c" {
		t.Errorf("NotebookURL = %q: path %q, token %q", got, u.Path, u.Query().Get("token"))
	}
}
