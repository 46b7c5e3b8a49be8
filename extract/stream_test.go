package extract

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
)

// lines walks page both ways and returns the lines each produced.
func streamAndTreeLines(t *testing.T, page []byte) (stream, tree []string) {
	t.Helper()
	ws := newWalker(true)
	ws.walkHTML(page)
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("html.Parse: %v", err)
	}
	wt := newWalker(true)
	wt.walkNodes(root)
	for _, tk := range ws.tokens {
		stream = append(stream, tk.text)
	}
	for _, tk := range wt.tokens {
		tree = append(tree, tk.text)
	}
	return stream, tree
}

// TestStreamMatchesTree checks that walking the token stream gives the
// lines a walk of the parsed tree gives, on every fixture page and on
// misnested markup.
func TestStreamMatchesTree(t *testing.T) {
	pages := map[string][]byte{
		"p closed by div":          []byte(`<p>一<div>二</div>三</p>`),
		"unclosed li and td":       []byte(`<ul><li>一<li>二</ul><table><tr><td>甲<td>乙<tr><td>丙</table>`),
		"misnested inline":         []byte(`<div><b>一<span>二</b>三</span></div><p>四</p>`),
		"stray end tags":           []byte(`<div>一</span></p>二</div></td>三`),
		"font around blocks":       []byte(`<font><p>一</font>二</p><p>三</p>`),
		"head without end":         []byte(`<html><head><title>题</title><meta name="a" content="b"><div>正文</div>`),
		"hidden block keeps lines": []byte(`<div>一<div style="display:none">二</div>三</div>`),
	}
	for _, f := range fixtures(t) {
		p, _, err := Decode(f.raw, "")
		if err != nil {
			t.Fatal(err)
		}
		pages[f.name] = p
	}
	for name, p := range pages {
		t.Run(name, func(t *testing.T) {
			stream, tree := streamAndTreeLines(t, p)
			if diff := cmp.Diff(tree, stream); diff != "" {
				t.Errorf("walkHTML(%s) lines differ from the tree walk (-tree +stream):\n%s", name, diff)
			}
		})
	}
}

var _ = strings.TrimSpace
