package extract

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

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

// TestReadTag checks the raw tag reader against the tokenizer's accessors
// on every start and end tag of the fixtures and on odd tags.
func TestReadTag(t *testing.T) {
	pages := [][]byte{[]byte(`<DIV Class="a &amp; b" ID=x hidden STYLE='display: none'><a href=/x.pdf title="t"/><p class="x" class="y"><span id = "s" data-x="1">` +
		`<input type=hidden name=q><meta name="PubDate" content="2024-01-02"><br/><td class=c>`)}
	for _, f := range fixtures(t) {
		pages = append(pages, f.raw)
	}
	for _, p := range pages {
		z := html.NewTokenizer(bytes.NewReader(p))
		s := &streamer{z: newLexer(p)} // in step with z: same tokens
		for {
			tt := z.Next()
			s.z.Next()
			if tt == html.ErrorToken {
				break
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken && tt != html.EndTagToken {
				continue
			}
			gotName, gotAttrs := s.readTag(tt != html.EndTagToken)
			gotName = append([]byte(nil), gotName...)
			name, more := z.TagName()
			var want []html.Attribute
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				if key := wantedAttr(k); key != "" && !hasAttr(want, key) {
					want = append(want, html.Attribute{Key: key, Val: string(v)})
				}
			}
			if string(gotName) != string(name) {
				t.Errorf("readTag name = %q, want %q", gotName, name)
			}
			if tt == html.EndTagToken {
				continue
			}
			if len(gotAttrs) == 0 && len(want) == 0 {
				continue
			}
			if diff := cmp.Diff(want, gotAttrs); diff != "" {
				t.Errorf("readTag(%s) attrs differ (-tokenizer +readTag):\n%s", name, diff)
			}
		}
	}
}

// TestLongTextCutOnRunes checks that a cut <title> or link text ends on a
// whole character, not on a replacement character.
func TestLongTextCutOnRunes(t *testing.T) {
	long := strings.Repeat("标题文字", 200) // 2400 bytes
	page := `<html><head><title>` + "ab" + long + `</title></head><body><div id="zoom"><p><a href="/f.pdf">xy` + long + `</a></p><p>为进一步做好政府信息公开工作，根据有关规定，现将有关事项通知如下。</p></div></body></html>`
	got, err := Extract([]byte(page), "https://www.example.gov.cn/a.html", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(got.Title) || strings.ContainsRune(got.Title, utf8.RuneError) {
		t.Errorf("Extract().Title is not UTF-8: %q", got.Title[len(got.Title)-8:])
	}
	for _, a := range got.Attachments {
		if !utf8.ValidString(a.Name) || strings.ContainsRune(a.Name, utf8.RuneError) {
			t.Errorf("Extract().Attachments name is not UTF-8: %q", a.Name[len(a.Name)-8:])
		}
	}
}

// TestPlainRune3 checks the three-byte fast path of appendText and squeeze
// against decoding, on every three-byte rune and on broken sequences.
func TestPlainRune3(t *testing.T) {
	for r := rune(0x800); r <= 0xFFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		want := r >= 0x1000 && (r < 0xD000 || r >= 0xE000) && !isSpaceRune(r) && r != '\u200c' && r != '\u200d'
		if got := plainRune3(s, 0); got != want {
			t.Errorf("plainRune3(%U) = %v, want %v", r, got, want)
		}
		if plainRune3(s[:2], 0) || plainRune3(s[:1]+"a"+s[2:], 0) {
			t.Errorf("plainRune3 accepts a broken %U", r)
		}
	}
	for _, s := range []string{"\xed\xa0\x80", "\xf0\x9f\x98\x80", "\xe4\xb8", "a"} {
		if plainRune3(s, 0) {
			t.Errorf("plainRune3(%q) = true", s)
		}
	}
}
