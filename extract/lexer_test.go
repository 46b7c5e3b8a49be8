package extract

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// lexerDiff returns the first token where lexer and html.Tokenizer differ
// on src, or "".
func lexerDiff(src []byte) string {
	z := html.NewTokenizer(bytes.NewReader(src))
	l := newLexer(src)
	for i := 0; ; i++ {
		want, got := z.Next(), l.Next()
		if want == html.SelfClosingTagToken {
			want = html.StartTagToken // the lexer does not tell them apart
		}
		wantRaw := string(z.Raw())
		if want != got || wantRaw != string(l.Raw()) {
			return fmt.Sprintf("token %d: tokenizer %v %q, lexer %v %q", i, want, wantRaw, got, l.Raw())
		}
		if want == html.ErrorToken {
			return ""
		}
		if got == html.StartTagToken || got == html.EndTagToken {
			if d := readTagDiff(l); d != "" {
				return fmt.Sprintf("token %d (%q): %s", i, wantRaw, d)
			}
		}
		if wantText, gotText := string(z.Text()), string(l.Text()); wantText != gotText {
			return fmt.Sprintf("token %d (%v %q): tokenizer text %q, lexer text %q", i, want, wantRaw, wantText, gotText)
		}
	}
}

var lexerCases = []string{
	"", "plain", "a<b", "a< b", "<", "</", "</>", "<!", "<!-", "<!--", "<!-->", "<!--->", "<!-- x -->", "<!-- x --!>", "<!-- x --!", "<!-- x -", "<!-- a -- b -->",
	"<!DOCTYPE html>", "<!doctype", "<!DOCTYPE", "<!DOC", "<!DOCX>", "<?xml version=1?>", "<![CDATA[x]]>", "</ x>", "</3>", "</a", "</a b='>'>",
	"<a", "<a ", "<a b", "<a b=", "<a b='", "<a b='c", "<a b=c", "<a b=c>", "<a b = \"c>d\" e>t", "<a =b>", "<a b=c/>", "<br/>", "<p/ a>", "<a\x00b c\x00=d\x00>",
	"<script>a</script>", "<script>a</scrip", "<script>", "<script></script>x", "<SCRIPT>a</Script >b", "<script>if(a<b)x</scriptx></script>",
	"<script><!--a</script>b", "<script><!--<script>x</script>y</script>z", "<script><!--<script>x</script>y-->z</script>w", "<script><!-- --></script>",
	"<script><!--<scr", "<script><!--<script", "<script><!--<script>--><", "<script><!--<script>a<</script>",
	"<style>a<b</style>c", "<title>a&amp;b<i>c</title>d", "<textarea>a&lt;\r\nb</textarea>", "<xmp>a&amp;</xmp>", "<plaintext>a</plaintext>b",
	"<iframe>a</iframe>", "<noscript><p>a</p></noscript>", "<noembed>x</noembed>", "<noframes>x</noframes>", "<title>", "<title>a",
	"a&nbsp;b&amp;c&lt;d&gt;e&quot;f&#12288;g&#x3000;h&#0;i&#128;j&#xD800;k&#99999999;l&notit;m&notin;n&amp", "&", "&&", "&#", "&#;", "&#x;", "&nbsp", "a\r\nb\rc\n",
	"a\x00b", "<script>a\x00b\r\n</script>", "<title>\x00&amp;</title>", "<!--\x00-->", "\xff\xfe<a\xff>\xe4\xb8</a>",
	"<script>a</script\t>", "<script>a</script/>", "<style>a</styl></style>", "<a href=\"x\"title='y'>", "<div\nclass=a\tid=b\fx>",
}

func TestLexerMatchesTokenizer(t *testing.T) {
	for _, c := range lexerCases {
		if d := lexerDiff([]byte(c)); d != "" {
			t.Errorf("%q: %s", c, d)
		}
	}
	for _, f := range fixtures(t) {
		if d := lexerDiff(f.raw); d != "" {
			t.Errorf("%s: %s", f.name, d)
		}
		if !strings.HasPrefix(f.name, "seeds/") {
			continue
		}
		if d := lexerDiff(chromePage(t, f.raw)); d != "" {
			t.Errorf("%s with chrome: %s", f.name, d)
		}
	}
}

func FuzzLexer(f *testing.F) {
	for _, c := range lexerCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if d := lexerDiff(src); d != "" {
			t.Error(d)
		}
	})
}

// readTagDiff compares the streamer's tag reading, from the lexer's spans,
// with readTagRaw's parse of the tag's text.
func readTagDiff(l *lexer) string {
	s := &streamer{z: l}
	name, attrs := s.readTag(true)
	wantName, wantAttrs := readTagRaw(l.Raw())
	if string(name) != string(wantName) || fmt.Sprint(attrs) != fmt.Sprint(wantAttrs) {
		return fmt.Sprintf("readTag = %q %q, want %q %q", name, attrs, wantName, wantAttrs)
	}
	return ""
}

// readTagRaw parses a tag's name and wanted attributes from its text the
// way the Tokenizer does, as the streamer did before the lexer kept the
// attributes' spans.
func readTagRaw(raw []byte) ([]byte, []html.Attribute) {
	isTagSpace := func(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' }
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	start := i
	for i < len(raw) && !isTagSpace(raw[i]) && raw[i] != '/' && raw[i] != '>' {
		i++
	}
	name := append([]byte(nil), raw[start:i]...)
	lowerBytes(name)
	var attrs []html.Attribute
	for i < len(raw) {
		for i < len(raw) && (isTagSpace(raw[i]) || raw[i] == '/') {
			i++
		}
		if i >= len(raw) || raw[i] == '>' {
			break
		}
		ks := i
		i++ // a key may start with '='
		for i < len(raw) && !isTagSpace(raw[i]) && raw[i] != '/' && raw[i] != '>' && raw[i] != '=' {
			i++
		}
		key := raw[ks:i]
		for i < len(raw) && isTagSpace(raw[i]) {
			i++
		}
		var val []byte
		if i < len(raw) && raw[i] == '=' {
			i++
			for i < len(raw) && isTagSpace(raw[i]) {
				i++
			}
			if i < len(raw) && (raw[i] == '"' || raw[i] == '\'') {
				q := raw[i]
				i++
				vs := i
				for i < len(raw) && raw[i] != q {
					i++
				}
				val = raw[vs:i]
				if i < len(raw) {
					i++
				}
			} else {
				vs := i
				for i < len(raw) && !isTagSpace(raw[i]) && raw[i] != '>' {
					i++
				}
				val = raw[vs:i]
			}
		}
		k := wantedAttr(key)
		if k == "" || hasAttr(attrs, k) {
			continue
		}
		attrs = append(attrs, html.Attribute{Key: k, Val: html.UnescapeString(string(val))})
	}
	return name, attrs
}
