// Package golden compares test output with golden files under testdata/
// and, when the test binary runs with -update, rewrites them from the
// current output instead: `go test ./PKG -update`, then review the diff.
// It is the one -update flag of the project's tests.
package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files (testdata) from the current output")

// Update reports whether the tests run with -update.
func Update() bool { return *update }

// Read returns the golden file at path for a test that compares it its own
// way; under -update it first writes got there (creating directories) and
// so returns got.
func Read(t testing.TB, path string, got []byte) []byte {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	return want
}

// Equal fails the test when got differs from the golden file at path,
// showing the difference.
func Equal(t testing.TB, path string, got []byte) {
	t.Helper()
	want := Read(t, path, got)
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; run go test -update after checking the change):\n%s", path, diff)
	}
}

// JSON is Equal for v encoded as indented JSON, without HTML escaping,
// with a final newline.
func JSON(t testing.TB, path string, v any) {
	t.Helper()
	Equal(t, path, Marshal(t, v))
}

// Marshal encodes v the way JSON writes golden files.
func Marshal(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
