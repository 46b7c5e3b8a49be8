package zap_test

import (
	"os"
	"strings"
	"testing"
)

// TestCopyMatchesGoMod fails when go.mod requires a zapx/v17 other than
// the release this package was copied from (see doc.go).
func TestCopyMatchesGoMod(t *testing.T) {
	const copied = "github.com/blevesearch/zapx/v17 v17.2.5"
	mod, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "github.com/blevesearch/zapx/v17" {
			if got := f[0] + " " + f[1]; got != copied {
				t.Fatalf("go.mod requires %s, this package is a patched copy of %s: copy the new release and apply gongkai.patch (see doc.go)", got, copied)
			}
			return
		}
	}
	t.Fatal("go.mod does not require github.com/blevesearch/zapx/v17: bleve no longer uses it; see doc.go")
}
