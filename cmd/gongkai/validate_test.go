package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// One run of validate reports every problem of a file — parser, selector,
// platform and notification problems alike — each at its own key's line.
func TestValidateReportsEveryProblemAtItsKey(t *testing.T) {
	out, _, err := gongkai(t, "validate", "-config", "testdata/many-problems.yaml")
	if err == nil {
		t.Fatal("validate accepted testdata/many-problems.yaml")
	}
	golden := filepath.Join("testdata", "many-problems.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("validate output differs from %s (run with -update after checking):\n%s", golden, out)
	}
	// The selector problems sit next to the parse problems of the same
	// source, at their keys' lines, not at the source's line.
	for _, w := range []string{"line 12: sources[0].delay", "line 19: sources[0].platform", "line 20: sources[0].link", "line 21: sources[0].next", "line 23: sources[0].fields.body", "line 25: sources[0].fields.subject", "line 33: notify[0].events", "line 34: notify[0].match", "line 36: notify[1].url"} {
		if !strings.Contains(out, w) {
			t.Errorf("validate output lacks %q", w)
		}
	}
}
