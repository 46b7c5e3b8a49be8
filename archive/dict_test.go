package archive_test

import (
	"fmt"
	"math/rand"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/archive"
	"github.com/gongkai/gongkai/extract"
)

const hanzi = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"

func fakePage(rng *rand.Rand, chrome string, i int) []byte {
	h := []rune(hanzi)
	var b strings.Builder
	b.WriteString("<html><head><title>第" + fmt.Sprint(i) + "号</title></head><body>" + chrome + "<div id=\"zoom\">")
	for p := 0; p < 12; p++ {
		b.WriteString("<p>")
		for c := 0; c < 120; c++ {
			b.WriteRune(h[rng.Intn(len(h))])
		}
		b.WriteString("。</p>")
	}
	b.WriteString("</div>" + chrome + "</body></html>")
	return []byte(b.String())
}

// After DictAfter captures a source gets a dictionary: its later captures
// store in a fraction of the bytes, and still decode after a reopen.
func TestSourceDictionary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gongkai.db")
	s, err := archive.Open(path, archive.Options{DictAfter: 10})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	var chrome strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&chrome, "<li class=\"nav-%d\"><a href=\"/col/col%d/index.html\">栏目%d %s</a></li>", i, 1000+i*7, i, string([]rune(hanzi)[i%200:i%200+6]))
	}
	var plain int
	record := func(from, to int) {
		run, err := s.Begin(ctx, "ninghai", archive.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := from; i < to; i++ {
			u := fmt.Sprintf("https://www.ninghai.gov.cn/art/%d.html", i)
			body := fakePage(rng, chrome.String(), i)
			_, err := run.Record(ctx, archive.Observation{URL: u, Doc: extract.Document{Title: fmt.Sprintf("第%d号", i), Body: string(body[len(body)/2 : len(body)/2+300])},
				Capture: archive.Capture{URL: u, Method: "GET", Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: body}})
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := run.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if plain == 0 {
			plain = archive.StoredSize(s, 5, 1)
		}
		if err := run.End(ctx, archive.RunStats{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	record(1, 11) // trains the dictionary at the end
	record(11, 21)
	trained, after := archive.StoredSize(s, 5, 1), archive.StoredSize(s, 15, 1)
	t.Logf("capture of %d bytes stored in %d bytes without a dictionary, %d with (%d once it was trained on)", len(fakePage(rng, chrome.String(), 0)), plain, after, trained)
	if after*3 > plain*2 || trained*3 > plain*2 {
		t.Errorf("with the dictionary a capture takes %d bytes (%d trained on), without %d: want at most two thirds", after, trained, plain)
	}
	s.Close()
	s, err = archive.Open(path, archive.Options{DictAfter: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Capture(ctx, 15, 1)
	if err != nil || !strings.Contains(string(c.Body), "第15号") {
		t.Fatalf("capture after reopen: %v", err)
	}
	if r, err := s.Verify(ctx); err != nil || !r.OK() || r.Captures != 20 {
		t.Fatalf("verify: %+v %v", r, err)
	}
}
