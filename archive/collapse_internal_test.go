package archive

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The definitions collapse replaced; stored digests were made with them.
func oldNormSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func oldNormBody(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = oldNormSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

var collapseCases = []string{
	"", " ", "\n", "\n\n \n", "a", " a ", "a  b", "a\tb\r\nc", "\n\na\n\n b \n",
	"一、总体情况\u3000\u3000 2024年\u00a0以来\n\n（一）\u2003坚持", "x\u0085y\u2028z", "\xff\xfe a \xc2", "a\v\fb\n\r\n",
	"  第一段。 \n\t第二段\u3000\n\u3000\n第三段  ",
	"\xe4 a\xe4\x80", "\xe5\xbc x\xe9\xbf\xbf \xe9", "开\xe4\x80 ",
	"\xe4\xe3\x80\x80x", "\xc2\xa0\xc2\x85\xc2", "a\xe2\x80\x8ab\xe2\x80\x8bc\xe1\x9a\x80d", "。、，\u3000「引号」\u205f",
}

func TestCollapseMatchesFields(t *testing.T) {
	for _, s := range collapseCases {
		if got, want := normSpace(s), oldNormSpace(s); got != want {
			t.Errorf("normSpace(%q) = %q, want %q", s, got, want)
		}
		if got, want := normBody(s), oldNormBody(s); got != want {
			t.Errorf("normBody(%q) = %q, want %q", s, got, want)
		}
	}
}

// Every white space rune of the Unicode tables Go was built with starts
// with a byte appendCollapse decodes at: a new Unicode version that adds
// one elsewhere fails here, not in the stored digests.
func TestSpaceLeadCoversUnicode(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !unicode.IsSpace(r) {
			continue
		}
		var b [4]byte
		utf8.EncodeRune(b[:], r)
		if r < utf8.RuneSelf && !asciiSpace[r] || r >= utf8.RuneSelf && !spaceLead[b[0]] || !maySpace[b[0]] {
			t.Errorf("white space %U (first byte %#x) is not looked for", r, b[0])
		}
	}
}

func FuzzCollapse(f *testing.F) {
	for _, s := range collapseCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normSpace(s), oldNormSpace(s); got != want {
			t.Errorf("normSpace(%q) = %q, want %q", s, got, want)
		}
		if got, want := normBody(s), oldNormBody(s); got != want {
			t.Errorf("normBody(%q) = %q, want %q", s, got, want)
		}
	})
}

// field writes what the fmt.Fprintf it replaced wrote: scheme 2's digests
// of stored versions depend on it.
func TestFieldMatchesFprintf(t *testing.T) {
	for _, v := range []string{"", "标题", "a\nb", strings.Repeat("正文", 5000), "%d %s"} {
		var got, want strings.Builder
		field(&got, "body", []byte(v))
		fmt.Fprintf(&want, "%s %d\n%s\n", "body", len(v), v)
		if got.String() != want.String() {
			t.Errorf("field(%.20q) = %.40q, want %.40q", v, got.String(), want.String())
		}
	}
}

// BenchmarkFingerprint: the current scheme on a record of 8 KB.
func BenchmarkFingerprint(b *testing.B) {
	_, rec := refPage(1)
	rec.Body = strings.Repeat(rec.Body+"\n", 4) // about 8 KB
	for b.Loop() {
		Fingerprint(rec)
	}
}
