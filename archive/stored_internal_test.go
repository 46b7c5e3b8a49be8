package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/extract"
)

// refPage is a capture with navigation chrome before and after a body of
// paragraphs, and the record extracted from it.
func refPage(i int) (capture []byte, rec extract.Document) {
	var chrome strings.Builder
	for n := 0; chrome.Len() < 12000; n++ {
		fmt.Fprintf(&chrome, "<li class=\"nav-%d\"><a href=\"/col/col%d/index.html\">政务公开栏目%d</a></li>\n", n, 1000+n*7, n)
	}
	var paras []string
	for p := range 12 {
		paras = append(paras, fmt.Sprintf("第%d段：为深入贯彻落实党中央、国务院关于法治政府建设的决策部署，编号%d，进一步提升依法行政水平。", p, i*31+p))
	}
	rec = extract.Document{Title: fmt.Sprintf("关于第%d号事项的通知", i), IndexNo: fmt.Sprintf("11330000002482162T/2024-%05d", i),
		Publisher: "市司法局", Body: strings.Join(paras, "\n")}
	capture = fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head><title>%s</title></head><body>%s"+
		"<h1>%s</h1><table><tr><td>索引号：</td><td>%s</td></tr><tr><td>发布机构：</td><td>%s</td></tr></table><div id=\"zoom\"><p>%s</p></div>%s</body></html>",
		rec.Title, chrome.String(), rec.Title, rec.IndexNo, rec.Publisher, strings.Join(paras, "</p>\n<p>"), chrome.String())
	return capture, rec
}

// storedCodec is a codec with a dictionary trained for source "dict" from
// refPage captures, as a source's first captures train it.
func storedCodec(t testing.TB) *codec {
	t.Helper()
	c := newCodec()
	var samples [][]byte
	for i := range 40 {
		capture, _ := refPage(1000 + i)
		samples = append(samples, capture)
	}
	id, dict, err := trainDict(samples)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.addLocked(id, dict); err != nil {
		t.Fatal(err)
	}
	c.bySrc["dict"] = id
	c.dec = c.newDecoder()
	return c
}

// A capture stored with its record: both come back apart, from a value
// any zstd decoder reads as capture ‖ record; the record costs a small part
// of what it costs compressed alone; the value says the key it was stored
// under, and recompressing keeps record and key.
func TestCaptureRecordValue(t *testing.T) {
	c := storedCodec(t)
	capture, rec := refPage(7)
	data, err := json.Marshal(Version{Record: rec})
	if err != nil {
		t.Fatal(err)
	}
	key := versionKey(42, 3)
	for _, tc := range []struct {
		name, source    string
		capture, record []byte
	}{
		{"with a dictionary", "dict", capture, data},
		{"without", "plain", capture, data},
		{"empty record", "dict", capture, []byte{}},
		{"empty capture", "plain", []byte{}, data},
	} {
		t.Run(tc.name, func(t *testing.T) {
			both := append(bytes.Clone(tc.capture), tc.record...)
			v := c.compressCaptureRecord(tc.source, both, len(tc.capture), key)
			gotCapture, gotRecord, err := c.decompressStored(key, v)
			if err != nil || !bytes.Equal(gotCapture, tc.capture) || !bytes.Equal(gotRecord, tc.record) || gotRecord == nil {
				t.Fatalf("decompressStored: %v; capture equal %v, record equal %v", err, bytes.Equal(gotCapture, tc.capture), bytes.Equal(gotRecord, tc.record))
			}
			if plain, err := c.dec.DecodeAll(v, nil); err != nil || !bytes.Equal(plain, both) {
				t.Errorf("the value read as a zstd stream: %v, equal %v", err, bytes.Equal(plain, both))
			}
			if _, _, err := c.decompressStored(versionKey(42, 2), v); err == nil || !strings.Contains(err.Error(), "stored for doc 42 version 3") {
				t.Errorf("read under another key: %v", err)
			}
			again, err := c.recompressStored(tc.source, v)
			if err != nil {
				t.Fatal(err)
			}
			if gotCapture, gotRecord, err := c.decompressStored(key, again); err != nil || !bytes.Equal(gotCapture, tc.capture) || !bytes.Equal(gotRecord, tc.record) {
				t.Errorf("recompressed: %v", err)
			}
		})
	}
	// A body the dictionary cannot know, as real pages' are.
	capture, rec = uniquePage(7)
	if data, err = json.Marshal(Version{Record: rec}); err != nil {
		t.Fatal(err)
	}
	alone := len(c.compressCapture("dict", capture))
	withRecord := len(c.compressCaptureRecord("dict", append(bytes.Clone(capture), data...), len(capture), key))
	if extra, recordAlone := withRecord-alone, len(c.compress(data)); extra*4 > recordAlone {
		t.Errorf("the record adds %d bytes to its capture's %d; compressed alone it takes %d: want a quarter at most", extra, alone, recordAlone)
	}
}

// uniquePage is refPage with a body of text no other page repeats.
func uniquePage(i int) (capture []byte, rec extract.Document) {
	capture, rec = refPage(i)
	r := rand.New(rand.NewPCG(uint64(i), 7))
	const hanzi = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理世车"
	runes := []rune(hanzi)
	var paras []string
	for range 12 {
		var p strings.Builder
		for range 80 {
			p.WriteRune(runes[r.IntN(len(runes))])
		}
		paras = append(paras, p.String())
	}
	body := strings.Join(paras, "\n")
	capture = bytes.Replace(capture, []byte(strings.ReplaceAll(rec.Body, "\n", "</p>\n<p>")), []byte(strings.ReplaceAll(body, "\n", "</p>\n<p>")), 1)
	rec.Body = body
	return capture, rec
}

// Values of schema 1 and 2 (no record header) read as the capture alone.
func TestStoredValueWithoutRecord(t *testing.T) {
	c := storedCodec(t)
	capture, _ := refPage(3)
	for _, v := range [][]byte{c.compress(capture), c.compressCapture("dict", capture)} {
		got, rec, err := c.decompressStored(versionKey(1, 1), v)
		if err != nil || !bytes.Equal(got, capture) || rec != nil {
			t.Errorf("decompressStored: %v, record %q", err, rec)
		}
	}
}

// No stored value, however damaged, makes decompressStored panic or return
// a capture longer than what it decompressed.
func FuzzDecompressStored(f *testing.F) {
	c := newCodec()
	capture, rec := refPage(3)
	data, _ := json.Marshal(rec)
	v := c.compressCaptureRecord("plain", append(bytes.Clone(capture), data...), len(capture), versionKey(1, 1))
	f.Add(v)
	f.Add(v[:recordHead])
	f.Add(c.compress(capture))
	f.Fuzz(func(t *testing.T, v []byte) {
		got, rec, err := c.decompressStored(nil, v)
		if err == nil && rec != nil && cap(got) != len(got) {
			t.Fatalf("capture slice can grow into its record")
		}
	})
}

// BenchmarkCompressCaptureRecord: a capture and its record stored as one
// value with the source's dictionary, and (for comparison) the capture
// alone.
func BenchmarkCompressCaptureRecord(b *testing.B) {
	c := storedCodec(b)
	capture, rec := refPage(1)
	data, err := json.Marshal(Version{Record: rec})
	if err != nil {
		b.Fatal(err)
	}
	both := append(bytes.Clone(capture), data...)
	key := versionKey(1, 1)
	b.Run("capture+record", func(b *testing.B) {
		var n int
		for b.Loop() {
			n = len(c.compressCaptureRecord("dict", both, len(capture), key))
		}
		b.ReportMetric(float64(n), "bytes")
	})
	b.Run("capture", func(b *testing.B) {
		var n int
		for b.Loop() {
			n = len(c.compressCapture("dict", capture))
		}
		b.ReportMetric(float64(n), "bytes")
	})
}
