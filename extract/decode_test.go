package extract

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func gb18030(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	const page = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>通告</title></head><body><p>𠮷田村道路施工通告</p></body></html>`
	gbPage := gb18030(t, page)
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("<p>压缩的页面</p>"))
	zw.Close()

	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string // a substring of the decoded page
		charset     string
	}{
		{"gbk bytes under a gb2312 meta label, 4-byte char kept", gbPage, "", "𠮷田村道路施工通告", "gb18030"},
		{"header charset wins over meta", gb18030(t, `<meta charset="utf-8"><p>公安局</p>`), "text/html; charset=GBK", "<p>公安局</p>", "gb18030"},
		{"header utf-8 wins over a gb2312 meta", []byte(`<meta charset="gb2312"><p>公安局</p>`), "text/html;charset=UTF-8", "<p>公安局</p>", "utf-8"},
		{"header utf-8 over GBK bytes: the meta label decides", gbPage, "text/html; charset=utf-8", "𠮷田村道路施工通告", "gb18030"},
		{"header utf-8 over unlabelled GB18030 bytes", gb18030(t, "<p>公安局 𠮷</p>"), "text/html; charset=utf-8", "<p>公安局 𠮷</p>", "gb18030"},
		{"malformed header parameter still read", gbPage, "text/html;;charset=gb2312", "𠮷田村", "gb18030"},
		{"unknown header label falls through to meta", gbPage, "text/html; charset=x-nonsense", "𠮷田村", "gb18030"},
		{"utf-8 BOM beats a gb2312 meta", append([]byte{0xef, 0xbb, 0xbf}, `<meta charset="gb2312"><p>公安局</p>`...), "", "<p>公安局</p>", "utf-8"},
		{"utf-16 BOM", utf16("<p>公安局</p>"), "", "<p>公安局</p>", "utf-16le"},
		{"meta charset attribute", gb18030(t, `<meta charset='gbk'><p>公安局</p>`), "", "<p>公安局</p>", "gb18030"},
		{"no label, valid utf-8", []byte("<p>公安局</p>"), "text/html", "<p>公安局</p>", "utf-8"},
		{"no label, invalid utf-8 is gb18030", gb18030(t, "<p>公安局 𠮷</p>"), "", "<p>公安局 𠮷</p>", "gb18030"},
		{"meta beyond 4 KB is ignored", append(bytes.Repeat([]byte(" "), 5000), `<meta charset="gb2312"><p>公安局</p>`...), "", "<p>公安局</p>", "utf-8"},
		{"unasked gzip", gz.Bytes(), "", "压缩的页面", "utf-8"},
		{"empty", nil, "", "", "utf-8"},
		{"header utf-8 over GB18030 bytes after 10 KB of ASCII chrome", gb18030(t, strings.Repeat("<li><a href=/col/>x</a></li>\n", 400)+"<p>公安局 𠮷</p>"), "text/html; charset=utf-8", "<p>公安局 𠮷</p>", "gb18030"},
		{"a stray byte deep in a UTF-8 page does not make it GB18030", []byte("<title>公安局通告</title>" + strings.Repeat("<p>各乡镇人民政府，县政府各部门：现将有关事项通知如下。</p>", 60) + "\xff<p>末尾的段落</p>"), "text/html; charset=utf-8", "<p>末尾的段落</p>", "utf-8"},
		{"the same, unlabelled", []byte("<title>公安局通告</title>" + strings.Repeat("<p>各乡镇人民政府，县政府各部门：现将有关事项通知如下。</p>", 60) + "\xff<p>末尾的段落</p>"), "", "<p>末尾的段落</p>", "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cs, err := Decode(tt.body, tt.contentType)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if cs != tt.charset {
				t.Errorf("Decode charset = %q, want %q", cs, tt.charset)
			}
			if !bytes.Contains(got, []byte(tt.want)) {
				t.Errorf("Decode = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

// looksUTF8 never turns down valid UTF-8, and reads a GB18030 page's
// characters as what they are wherever they start.
func FuzzLooksUTF8(f *testing.F) {
	f.Add([]byte("<p>公安局</p>"), uint16(0))
	f.Add([]byte("\xe5\x85\xac\xe5"), uint16(5000))
	f.Fuzz(func(t *testing.T, b []byte, pad uint16) {
		b = append(bytes.Repeat([]byte("a"), int(pad)%9000), b...)
		if utf8.Valid(b) && !looksUTF8(b) {
			t.Fatalf("valid UTF-8 (%d bytes) not taken as UTF-8", len(b))
		}
	})
}

func TestLooksUTF8FindsGB18030(t *testing.T) {
	for _, pad := range []int{0, 1, 4093, 4094, 4095, 4096, 10000} {
		b := append(bytes.Repeat([]byte("a"), pad), gb18030(t, "各乡镇人民政府")...)
		if looksUTF8(b) {
			t.Errorf("GB18030 text after %d ASCII bytes taken as UTF-8", pad)
		}
	}
}

func TestDecodeBadGzip(t *testing.T) {
	if _, _, err := Decode([]byte{0x1f, 0x8b, 0x00, 0x01}, ""); err == nil {
		t.Error("Decode(truncated gzip) = nil error, want an error")
	}
}
