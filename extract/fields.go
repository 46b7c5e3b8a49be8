package extract

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/andybalholm/cascadia"
)

// Options tunes Extract. The zero value works.
type Options struct {
	// Location is the zone of dates given without one (epoch values are
	// formatted in it). nil means Asia/Shanghai.
	Location *time.Location
	// Fields maps a field key (title, index_no, published, written,
	// publisher, doc_no, topic, access, body) to a CSS selector for sources
	// whose layout the heuristics miss. A selector that matches wins over
	// everything else, even when the matched element is empty; one that
	// matches nothing leaves the field to the heuristics.
	Fields map[string]string
}

// Field keys, as used in Options.Fields and Document.Sources.
const (
	FieldTitle       = "title"
	FieldIndexNo     = "index_no"
	FieldPublished   = "published"
	FieldWritten     = "written"
	FieldPublisher   = "publisher"
	FieldDocNo       = "doc_no"
	FieldTopic       = "topic"
	FieldAccess      = "access"
	FieldBody        = "body"
	FieldAttachments = "attachments"
)

// ValidateFields reports an error for an unknown field key or a CSS selector
// that does not compile.
func ValidateFields(fields map[string]string) error {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		if _, known := FieldByKey(k); !known {
			errs = append(errs, fmt.Errorf("unknown field %q (want one of %s)", k, strings.Join(fieldKeys(), ", ")))
			continue
		}
		sel := strings.TrimSpace(fields[k])
		if sel == "" {
			errs = append(errs, fmt.Errorf("field %q: empty selector", k))
			continue
		}
		if _, err := cascadia.ParseGroup(sel); err != nil {
			errs = append(errs, fmt.Errorf("field %q: selector %q: %w", k, sel, err))
		}
	}
	return errors.Join(errs...)
}

func fieldKeys() []string {
	keys := make([]string, len(fieldTable))
	for i, f := range fieldTable {
		keys[i] = f.Key
	}
	return keys
}

// label is a metadata label and what it means. rank orders labels of one
// field: 0 is the canonical label, higher ranks are weaker synonyms (信息来源
// names the publisher less surely than 发布机构).
type label struct {
	text  string
	field string
	rank  int
	// suffix marks a label known only by its ending (行政处罚决定书文号 ends
	// in 文号): its value must have the shape of the field, and the line
	// stays in the body, where such labels sit inside the document.
	suffix bool
}

// fieldTitleLabel is the pseudo-field of 标题/名称 rows; fieldOther marks
// labels that only end the value before them.
const (
	fieldTitleLabel = "title_label"
	fieldOther      = ""
)

// labels lists every label the scanner knows, longest first so that 信息索引号
// is tried before 索引号 and 信息来源 before 来源.
var labels = func() []label {
	type def struct {
		text, field string
		rank        int
	}
	defs := []def{
		{"索引号", FieldIndexNo, 0}, {"信息索引号", FieldIndexNo, 0}, {"索取号", FieldIndexNo, 1},
		{"发布日期", FieldPublished, 0}, {"公开日期", FieldPublished, 0}, {"发布时间", FieldPublished, 0},
		{"生成日期", FieldPublished, 0}, {"上载日期", FieldPublished, 1}, {"公开时间", FieldPublished, 1},
		{"时间", FieldPublished, 2}, {"日期", FieldPublished, 2},
		{"成文日期", FieldWritten, 0}, {"印发日期", FieldWritten, 0}, {"发文日期", FieldWritten, 0},
		{"产生日期", FieldWritten, 0}, {"成文时间", FieldWritten, 1},
		{"发布机构", FieldPublisher, 0}, {"发布单位", FieldPublisher, 0}, {"发文机关", FieldPublisher, 0},
		{"发文单位", FieldPublisher, 0}, {"公开主体", FieldPublisher, 0}, {"发布主体", FieldPublisher, 0},
		{"信息来源", FieldPublisher, 1}, {"来源", FieldPublisher, 2}, {"文章来源", FieldPublisher, 2},
		{"发文字号", FieldDocNo, 0}, {"文号", FieldDocNo, 0}, {"文件编号", FieldDocNo, 0}, {"发文号", FieldDocNo, 0},
		{"主题分类", FieldTopic, 0}, {"组配分类", FieldTopic, 0}, {"体裁分类", FieldTopic, 1},
		{"分类", FieldTopic, 2}, {"公文种类", FieldTopic, 3}, {"信息分类", FieldTopic, 1},
		{"公开方式", FieldAccess, 0}, {"公开属性", FieldAccess, 1}, {"公开类别", FieldAccess, 1}, {"公开形式", FieldAccess, 1},
		{"标题", fieldTitleLabel, 0}, {"信息名称", fieldTitleLabel, 0}, {"名称", fieldTitleLabel, 1}, {"文件名称", fieldTitleLabel, 0},
		{"有效性", fieldOther, 0}, {"效力状况", fieldOther, 0}, {"时效", fieldOther, 0}, {"统一编号", fieldOther, 0},
		{"主题词", fieldOther, 0}, {"关键词", fieldOther, 0}, {"浏览次数", fieldOther, 0}, {"访问量", fieldOther, 0},
		{"点击数", fieldOther, 0}, {"点击量", fieldOther, 0}, {"阅读次数", fieldOther, 0}, {"浏览量", fieldOther, 0},
		{"作者", fieldOther, 0}, {"字号", fieldOther, 0}, {"字体", fieldOther, 0}, {"分享到", fieldOther, 0},
		{"责任编辑", fieldOther, 0}, {"编辑", fieldOther, 0}, {"发布人", fieldOther, 0}, {"审核人", fieldOther, 0},
		{"废止日期", fieldOther, 0}, {"失效日期", fieldOther, 0}, {"实施日期", fieldOther, 0}, {"施行日期", fieldOther, 0},
		{"内容概述", fieldOther, 0}, {"摘要", fieldOther, 0}, {"所属机构", fieldOther, 0}, {"访问次数", fieldOther, 0},
		{"点击率", fieldOther, 0}, {"点击次数", fieldOther, 0}, {"文章类型", fieldOther, 0}, {"稿件类型", fieldOther, 0},
		// Procurement notices (中标公告, 成交公告) head their text with a
		// summary table in their own vocabulary.
		{"公告时间", FieldPublished, 1}, {"公告日期", FieldPublished, 1},
		{"采购项目名称", fieldOther, 0}, {"采购单位", fieldOther, 0}, {"采购项目编号", fieldOther, 0}, {"项目编号", fieldOther, 0},
		{"总中标金额", fieldOther, 0}, {"中标金额", fieldOther, 0}, {"成交金额", fieldOther, 0}, {"公告期限", fieldOther, 0},
	}
	ls := make([]label, len(defs))
	for i, d := range defs {
		ls[i] = label{text: d.text, field: d.field, rank: d.rank}
	}
	sort.SliceStable(ls, func(i, j int) bool { return len([]rune(ls[i].text)) > len([]rune(ls[j].text)) })
	return ls
}()

// labelByText looks a normalized label up.
var labelByText = func() map[string]label {
	m := make(map[string]label, len(labels))
	for _, l := range labels {
		m[l.text] = l
	}
	return m
}()

// normalizeLabel removes all whitespace (including U+3000 and NBSP) and a
// trailing colon from a raw label.
func normalizeLabel(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\u200b' || r == '\ufeff' {
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	for {
		t := strings.TrimSuffix(strings.TrimSuffix(out, ":"), "：")
		if t == out {
			break
		}
		out = t
	}
	return out
}

func isSpaceRune(r rune) bool {
	if r < 0x80 {
		return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' || r == '\v'
	}
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

func isColon(r rune) bool { return r == ':' || r == '：' }

// labelsByFirst indexes labels by their first rune, longest first.
var labelsByFirst = func() map[rune][]label {
	m := make(map[rune][]label)
	for _, l := range labels {
		r := []rune(l.text)[0]
		m[r] = append(m[r], l)
	}
	return m
}()

// labelFirst is a bit set of the runes labels start with, checked before
// the map on every rune of a scanned line.
var labelFirst = func() (set [1 << 10]uint64) {
	for r := range labelsByFirst {
		if r < 1<<16 {
			set[r>>6] |= 1 << (r & 63)
		}
	}
	return set
}()

// labelAt matches a label starting at rs[i], allowing whitespace between its
// characters ("索 引 号", "文\u00a0\u00a0号"). It returns the label and the index
// after it, or ok=false.
func labelAt(rs []rune, i int) (label, int, bool) {
	if i >= len(rs) {
		return label{}, i, false
	}
	if r := rs[i]; r >= 0x10000 || labelFirst[r>>6]&(1<<(r&63)) == 0 {
		return label{}, i, false
	}
	for _, l := range labelsByFirst[rs[i]] {
		j := i
		matched := true
		first := true
		for _, lr := range l.text {
			if !first {
				for j < len(rs) && isSpaceRune(rs[j]) {
					j++
				}
			}
			first = false
			if j >= len(rs) || rs[j] != lr {
				matched = false
				break
			}
			j++
		}
		if matched {
			return l, j, true
		}
	}
	return label{}, i, false
}
