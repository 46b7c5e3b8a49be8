// Package testenv decides what a test does when a tool it drives (Chromium,
// node with warcio.js, python3-feedparser) is missing: skip on a developer's
// machine, fail in CI, where .ci/run installs them and sets
// GONGKAI_CI_STRICT=1 — so a broken install cannot pass as a green run.
package testenv

import (
	"os"
	"testing"
)

// Strict reports whether missing tools must fail tests.
func Strict() bool { return os.Getenv("GONGKAI_CI_STRICT") != "" }

// Missing skips t with msg, or fails it in strict mode.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if Strict() {
		t.Fatalf("GONGKAI_CI_STRICT: "+format, args...)
	}
	t.Skipf(format, args...)
}
