package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var updateRules = flag.Bool("update-rules", false, "record the golden digest for the current RulesVersion in testdata/rules.sum")

// goldenDigest is the SHA-256 over every extraction golden's content fields
// (Sources, the debugging trail, left out), in path order.
func goldenDigest(t *testing.T) string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".golden.json") {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var d Document
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		d.Sources = nil
		c, _ := json.Marshal(d)
		fmt.Fprintf(h, "%s\n%s\n", filepath.ToSlash(p), c)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestRulesVersionBumped catches a change of extraction output that forgot
// to bump RulesVersion: testdata/rules.sum records the digest of the goldens
// under the rules version that produced them. When goldens change, bump
// RulesVersion and run `go test ./extract -run TestRulesVersionBumped -update-rules`.
func TestRulesVersionBumped(t *testing.T) {
	const sumFile = "testdata/rules.sum"
	got := fmt.Sprintf("rules %d %s\n", RulesVersion, goldenDigest(t))
	b, err := os.ReadFile(sumFile)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var recVersion int
	var recDigest string
	if err == nil {
		if _, err := fmt.Sscanf(string(b), "rules %d %s", &recVersion, &recDigest); err != nil {
			t.Fatalf("%s: %v", sumFile, err)
		}
	}
	if *updateRules {
		if err == nil && recVersion == RulesVersion && string(b) != got {
			t.Fatalf("goldens changed but RulesVersion is still %d: bump extract.RulesVersion first", RulesVersion)
		}
		if err := os.WriteFile(sumFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	switch {
	case err != nil:
		t.Fatalf("%s missing: run go test ./extract -run TestRulesVersionBumped -update-rules", sumFile)
	case recVersion == RulesVersion && string(b) != got:
		t.Fatalf("extraction goldens changed while extract.RulesVersion stayed %d: bump it (stored versions must say which rules made them), then run with -update-rules", RulesVersion)
	case recVersion != RulesVersion:
		t.Fatalf("RulesVersion is %d but %s records %d: run with -update-rules", RulesVersion, sumFile, recVersion)
	}
}

func TestFieldTable(t *testing.T) {
	var d Document
	seen := map[string]bool{}
	for i, f := range Fields() {
		if seen[f.Key] {
			t.Errorf("field %q declared twice", f.Key)
		}
		seen[f.Key] = true
		*f.Ptr(&d) = fmt.Sprint(i)
		if got := f.Value(d); got != fmt.Sprint(i) {
			t.Errorf("Fields()[%d] %s: Value = %q, want %q", i, f.Key, got, fmt.Sprint(i))
		}
		if f.ZH == "" || f.EN == "" {
			t.Errorf("field %q has no label", f.Key)
		}
	}
	// Every string field of Document but the body's debugging map is in the table.
	b, _ := json.Marshal(d)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for k, v := range m {
		if _, ok := v.(string); ok && !seen[k] {
			t.Errorf("Document field %q is missing from the field table", k)
		}
	}
}
