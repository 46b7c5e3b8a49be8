package discover

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

var createPageRe = regexp.MustCompile(`createPageHTML\s*\(([^()]*)\)`)

// trsPlatform is TRS WCM 拓尔思.
type trsPlatform struct{}

// /<section>/202501/t20250123_12345.html|shtml|htm
var trsDocRe = regexp.MustCompile(`/t\d{8}_\d+(?:_\d+)?\.s?html?$`)

func (trsPlatform) name() string               { return PlatformTRS }
func (trsPlatform) docPaths() []*regexp.Regexp { return []*regexp.Regexp{trsDocRe} }

// score: createPageHTML is decisive, with a one-point bonus so that gov.cn
// (built with TRS too) wins only with strictly more of its policy links.
func (trsPlatform) score(pg *page) int {
	n := scoreLinks * countPaths(pg.links, trsDocRe)
	if strings.Contains(pg.raw, "createPageHTML") {
		return scoreMarker + n + 1
	}
	return n
}

func (trsPlatform) parse(p *parser, pg *page) { p.trsPage(pg.doc, pg.raw) }

// trsPage reads a TRS WCM list: generic entries, and the pages that
// createPageHTML would link. A page with no entries (the short stubs deep
// index_N pages sometimes are) leads nowhere.
func (p *parser) trsPage(doc *goquery.Document, raw string) {
	p.genericEntries(doc.Selection)
	pages, cur, name, ext, ok := createPageArgs(raw)
	if ok {
		p.setPages(pages)
	}
	if len(p.out.Entries) == 0 {
		return
	}
	if !ok || p.nextSel != nil {
		p.genericNext(doc.Selection, raw)
	}
	if !ok {
		return
	}
	dir := p.res.page.Path
	if !strings.HasSuffix(dir, "/") {
		dir = path.Dir(dir)
	}
	dir = strings.TrimSuffix(dir, "/") + "/"
	for i := cur + 1; i < pages && i < cur+1+maxScriptPages; i++ {
		p.addNextURL(p.res.resolve(dir + trsPageName(name, ext, i)))
	}
}

// maxScriptPages bounds the requests one page may emit from a script's page
// count: a typo in a count must not queue a million fetches.
const maxScriptPages = 1000

func trsPageName(name, ext string, i int) string {
	if i == 0 {
		return name + "." + ext
	}
	return name + "_" + strconv.Itoa(i) + "." + ext
}

// createPageArgs reads createPageHTML(pages, current, name, ext[, records])
// or createPageHTML(divName, pages, current, name, ext, records). Numeric
// arguments written as variables are looked up in the page's scripts.
func createPageArgs(raw string) (pages, cur int, name, ext string, ok bool) {
	m := createPageRe.FindStringSubmatch(raw)
	if m == nil {
		return 0, 0, "", "", false
	}
	var args []string
	var quoted []bool
	for _, a := range strings.Split(m[1], ",") {
		a = strings.TrimSpace(a)
		t := strings.Trim(a, `"'`)
		args = append(args, t)
		quoted = append(quoted, t != a)
	}
	if len(args) == 6 {
		args, quoted = args[1:], quoted[1:]
	}
	if len(args) < 4 {
		return 0, 0, "", "", false
	}
	pages, ok1 := scriptInt(raw, args[0])
	cur, ok2 := scriptInt(raw, args[1])
	name, ext = args[2], args[3]
	if !quoted[2] {
		name = scriptVar(raw, name)
	}
	if !quoted[3] {
		ext = scriptVar(raw, ext)
	}
	if !ok1 || !ok2 || pages < 0 || cur < 0 || !safeName(name) || !safeName(ext) {
		return 0, 0, "", "", false
	}
	return pages, cur, name, ext, true
}

func safeName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// scriptInt reads a literal number, or the value of "var name = 12".
func scriptInt(raw, arg string) (int, bool) {
	if n, err := strconv.Atoi(arg); err == nil {
		return n, true
	}
	v := scriptVar(raw, arg)
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// scriptVar returns the value assigned to a JavaScript variable, if arg is
// an identifier assigned on the page.
func scriptVar(raw, arg string) string {
	if !safeName(arg) || (arg[0] >= '0' && arg[0] <= '9') {
		return ""
	}
	re, err := regexp.Compile(`(?:var\s+|[;\s])` + regexp.QuoteMeta(arg) + `\s*=\s*["']?([\w-]+)`)
	if err != nil {
		return ""
	}
	if m := re.FindStringSubmatch(raw); m != nil {
		return m[1]
	}
	return ""
}
