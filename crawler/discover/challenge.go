package discover

import "bytes"

// challengeMarks are strings only anti-bot challenge pages carry: the
// wzws (网站卫士) cookie scripts, Ruishu's $_ts bootstrap, Jiasule and
// Aliyun WAF cookies.
// They are grouped by a prefix they share: a page is searched once per
// group, and for a group's marks only when it holds the prefix.
var challengeMarks = []struct {
	prefix []byte
	marks  [][]byte
}{
	{[]byte("wzws"), [][]byte{[]byte("wzws_cid"), []byte("wzwschallenge"), []byte("wzwstemplate"), []byte("wzwsconfusion"), []byte("/wzwsrel")}},
	{[]byte("$_ts"), [][]byte{[]byte("$_ts=window"), []byte("$_ts = window")}},
	{[]byte("__jsl_clearance"), nil},
	{[]byte("acw_sc__v2"), nil},
}

// Challenge reports whether body is an anti-bot challenge page (wzws or a
// similar JavaScript cookie check) rather than content. Such pages are
// small; a large page that merely mentions a marker is not one.
func Challenge(body []byte) bool {
	if len(body) > 64<<10 {
		return false
	}
	// The markers are identifiers and cookie names in the challenge's own
	// script, always written in lower case: no need to lower-case the page
	// (which cost a copy of every page fetched).
	for _, g := range challengeMarks {
		if !bytes.Contains(body, g.prefix) {
			continue
		}
		if g.marks == nil {
			return true
		}
		for _, m := range g.marks {
			if bytes.Contains(body, m) {
				return true
			}
		}
	}
	return false
}
