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
