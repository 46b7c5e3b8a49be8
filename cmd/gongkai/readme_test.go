package main

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The README's command table and the commands' -h output cannot drift
// apart: every flag a row shows is one the command takes, and every flag a
// command takes is shown in its row or named in the paragraph on the flags
// all commands share.
func TestReadmeCommandTableMatchesHelp(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start := strings.Index(readme, "## Commands")
	if start < 0 {
		t.Fatal("README has no ## Commands section")
	}
	section := readme[start+len("## Commands"):]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}

	// "Every command except `demo` and `extract` takes `-config FILE` …,
	// `-db FILE` … and `-v` …; every command takes `-h`."
	shared := regexp.MustCompile("(?s)Every command except (.*?) takes (.*?); every command takes").FindStringSubmatch(section)
	if shared == nil {
		t.Fatal("README's Commands section lacks the sentence \"Every command except … takes …; every command takes `-h`\" naming the shared flags")
	}
	tick := regexp.MustCompile("`([^`]+)`")
	var except, common []string
	for _, m := range tick.FindAllStringSubmatch(shared[1], -1) {
		except = append(except, m[1])
	}
	for _, m := range tick.FindAllStringSubmatch(shared[2], -1) {
		if f := strings.Fields(m[1])[0]; strings.HasPrefix(f, "-") && !strings.HasPrefix(f, "--") {
			common = append(common, f[1:])
		}
	}

	row := regexp.MustCompile("(?m)^\\| `gongkai ([a-z-]+)([^`]*)` \\|")
	flagRE := regexp.MustCompile(`(?:^|[\s\[])-([a-z][a-z-]*)`)
	documented := map[string][]string{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		var flags []string
		for _, f := range flagRE.FindAllStringSubmatch(m[2], -1) {
			flags = append(flags, f[1])
		}
		documented[m[1]] = flags
	}

	for _, c := range commands() {
		table, ok := documented[c.name]
		if !ok {
			t.Errorf("README's command table has no row for %q", c.name)
			continue
		}
		delete(documented, c.name)
		want := slices.Clone(table)
		if !slices.Contains(except, c.name) {
			want = append(want, common...)
		}
		got := helpFlags(t, c.name)
		if missing := minus(got, want); len(missing) > 0 {
			t.Errorf("gongkai %s -h lists %v, which the README does not document", c.name, missing)
		}
		if extra := minus(want, got); len(extra) > 0 {
			t.Errorf("the README documents %v for %s, which gongkai %s -h does not list", extra, c.name, c.name)
		}
	}
	for name := range documented {
		t.Errorf("README's command table has a row for %q, which is no command", name)
	}
}

// helpFlags returns the flags `gongkai NAME -h` lists.
func helpFlags(t *testing.T, name string) []string {
	t.Helper()
	_, stderr, _ := gongkai(t, name, "-h")
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^\s+-([a-z][a-z-]*)`).FindAllStringSubmatch(stderr, -1) {
		out = append(out, m[1])
	}
	if len(out) == 0 && !strings.Contains(stderr, "Usage: gongkai "+name) {
		t.Fatalf("gongkai %s -h printed no usage:\n%s", name, stderr)
	}
	return out
}

// minus returns the members of a missing from b, sorted and unique.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}
