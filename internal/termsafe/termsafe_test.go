package termsafe

import (
	"encoding/json"
	"strings"
	"testing"
)

// Whatever a string holds, its JSON passed through JSON has no character a
// terminal acts on, and decodes to what the JSON decoded to before.
func FuzzJSON(f *testing.F) {
	f.Add("公告\x1b[2J\x1b]0;pwned\x07标题\u009b31m红\r覆盖\u202e倒\x7f\u2066")
	f.Add("plain")
	f.Fuzz(func(t *testing.T, s string) {
		plain, err := json.Marshal(map[string]string{"title": s})
		if err != nil {
			t.Fatal(err)
		}
		safe := JSON(plain)
		if i := strings.IndexFunc(string(safe), Unsafe); i >= 0 {
			t.Fatalf("%U left raw in %q", []rune(string(safe)[i:])[0], safe)
		}
		var want, got map[string]string
		if err := json.Unmarshal(plain, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(safe, &got); err != nil || got["title"] != want["title"] {
			t.Fatalf("decoded %q (%v), want %q", got["title"], err, want["title"])
		}
	})
}
