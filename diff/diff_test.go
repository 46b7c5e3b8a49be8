package diff

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/extract"

	"github.com/gongkai/gongkai/internal/golden"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"no terminator", "关于开展安全检查的通知", []string{"关于开展安全检查的通知"}},
		{"full stop", "第一句。第二句。", []string{"第一句。", "第二句。"}},
		{"all terminators", "问吗？答！列一；列二。尾", []string{"问吗？", "答！", "列一；", "列二。", "尾"}},
		{"newline splits and is dropped", "一、总则\n第一条 为了规范管理。", []string{"一、总则", "第一条 为了规范管理。"}},
		{"crlf", "甲\r\n乙", []string{"甲", "乙"}},
		{"full-width indent trimmed", "　　各区人民政府：\n　　现将有关事项通知如下。", []string{"各区人民政府：", "现将有关事项通知如下。"}},
		{"closing quote stays", "他说：“请遵守规定。”随后离开。", []string{"他说：“请遵守规定。”", "随后离开。"}},
		{"repeated terminators", "真的吗？！是的。", []string{"真的吗？！", "是的。"}},
		{"blank lines dropped", "甲。\n\n\n乙。", []string{"甲。", "乙。"}},
		{"comma does not split", "一，二，三。", []string{"一，二，三。"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sentences(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Sentences(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

const longSentence = "根据《中华人民共和国政府信息公开条例》第二十条的规定，本机关对二〇二四年度政府信息公开工作情况进行了全面梳理和总结，现将有关情况报告如下。"

func TestText(t *testing.T) {
	tests := []struct {
		name string
		old  string
		new  string
		want []Op
	}{
		{
			name: "identical",
			old:  "甲。乙。",
			new:  "甲。乙。",
			want: []Op{{Kind: Equal, Old: "甲。", New: "甲。"}, {Kind: Equal, Old: "乙。", New: "乙。"}},
		},
		{
			name: "one character edited in a long sentence",
			old:  "前言。" + longSentence + "结尾。",
			new:  "前言。" + strings.Replace(longSentence, "二〇二四", "二〇二五", 1) + "结尾。",
			want: []Op{
				{Kind: Equal, Old: "前言。", New: "前言。"},
				{Kind: Change, Old: longSentence, New: strings.Replace(longSentence, "二〇二四", "二〇二五", 1), Spans: []Span{
					{Equal, "根据《中华人民共和国政府信息公开条例》第二十条的规定，本机关对二〇二"},
					{Delete, "四"},
					{Insert, "五"},
					{Equal, "年度政府信息公开工作情况进行了全面梳理和总结，现将有关情况报告如下。"},
				}},
				{Kind: Equal, Old: "结尾。", New: "结尾。"},
			},
		},
		{
			name: "sentence inserted",
			old:  "第一条 总则。第三条 附则。",
			new:  "第一条 总则。第二条 新增的完全不同的规定内容。第三条 附则。",
			want: []Op{
				{Kind: Equal, Old: "第一条 总则。", New: "第一条 总则。"},
				{Kind: Insert, New: "第二条 新增的完全不同的规定内容。"},
				{Kind: Equal, Old: "第三条 附则。", New: "第三条 附则。"},
			},
		},
		{
			name: "sentence removed",
			old:  "保留。删除这一句。保留二。",
			new:  "保留。保留二。",
			want: []Op{
				{Kind: Equal, Old: "保留。", New: "保留。"},
				{Kind: Delete, Old: "删除这一句。"},
				{Kind: Equal, Old: "保留二。", New: "保留二。"},
			},
		},
		{
			name: "dissimilar replacement is delete plus insert",
			old:  "会议定于明日召开。",
			new:  "本通知自印发之日起施行。",
			want: []Op{
				{Kind: Delete, Old: "会议定于明日召开。"},
				{Kind: Insert, New: "本通知自印发之日起施行。"},
			},
		},
		{
			name: "pairs the similar sentence in a replaced block",
			old:  "联系电话：12345678。",
			new:  "咨询时间为工作日上午九点至下午五点。联系电话：12345679。",
			want: []Op{
				{Kind: Insert, New: "咨询时间为工作日上午九点至下午五点。"},
				{Kind: Change, Old: "联系电话：12345678。", New: "联系电话：12345679。", Spans: []Span{
					{Equal, "联系电话：1234567"}, {Delete, "8"}, {Insert, "9"}, {Equal, "。"},
				}},
			},
		},
		{
			name: "from empty",
			old:  "",
			new:  "新内容。",
			want: []Op{{Kind: Insert, New: "新内容。"}},
		},
		{
			name: "paragraph break only",
			old:  "甲。乙。",
			new:  "甲。\n乙。",
			want: []Op{{Kind: Equal, Old: "甲。", New: "甲。"}, {Kind: Equal, Old: "乙。", New: "乙。"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.old, tt.new)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Text mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// Whatever the edit, the ops must rebuild both sides exactly.
func TestTextReconstructs(t *testing.T) {
	pairs := [][2]string{
		{"甲。乙。丙。丁。", "丁。丙。乙。甲。"},
		{"一。二。三。一。二。三。", "三。二。一。"},
		{strings.Repeat("重复的句子。", 50), strings.Repeat("重复的句子。", 49) + "不同。"},
		{"a\nb\nc", "x\nb\ny\nc\nz"},
	}
	for _, p := range pairs {
		ops := Text(p[0], p[1])
		var a, b []string
		for _, op := range ops {
			if op.Kind != Insert {
				a = append(a, op.Old)
			}
			if op.Kind != Delete {
				b = append(b, op.New)
			}
			if op.Kind == Change {
				var o, n strings.Builder
				for _, s := range op.Spans {
					if s.Kind != Insert {
						o.WriteString(s.Text)
					}
					if s.Kind != Delete {
						n.WriteString(s.Text)
					}
				}
				if o.String() != op.Old || n.String() != op.New {
					t.Errorf("Text(%q, %q): spans rebuild %q/%q, want %q/%q", p[0], p[1], o.String(), n.String(), op.Old, op.New)
				}
			}
		}
		if diff := cmp.Diff(Sentences(p[0]), a); diff != "" {
			t.Errorf("Text(%q, %q) old side (-want +got):\n%s", p[0], p[1], diff)
		}
		if diff := cmp.Diff(Sentences(p[1]), b); diff != "" {
			t.Errorf("Text(%q, %q) new side (-want +got):\n%s", p[0], p[1], diff)
		}
	}
}

func TestTokenRuneRoundTrip(t *testing.T) {
	for _, i := range []int{0, 1, 0xD7FE, 0xD7FF, 0xD800, 0xE000, 100000} {
		r := tokenRune(i)
		if r >= 0xD800 && r < 0xE000 {
			t.Errorf("tokenRune(%d) = %U, a surrogate", i, r)
		}
		if got := tokenIndex(r); got != i {
			t.Errorf("tokenIndex(tokenRune(%d)) = %d", i, got)
		}
	}
}

func TestDocumentsFields(t *testing.T) {
	old := extract.Document{
		Title: "关于开展安全检查的通知", IndexNo: "002966124/2025-41880", Published: "2025-01-23",
		Publisher: "区应急管理局", DocNo: "", Topic: "安全生产", Access: "主动公开",
		Body:        "各单位：请于本月底前完成自查。",
		Attachments: []extract.Attachment{{Name: "检查表.doc", URL: "https://example.gov.cn/a.doc"}},
	}
	new := old
	new.Title = "关于开展安全生产检查的通知"
	new.Published = "2025-01-24"
	new.DocNo = "区应急〔2025〕3号"
	new.Body = "各单位：请于下月底前完成自查。"
	new.Attachments = append([]extract.Attachment{}, old.Attachments...)
	new.Attachments = append(new.Attachments, extract.Attachment{Name: "名单.pdf", URL: "https://example.gov.cn/b.pdf"})
	new.Sources = map[string]string{"title": "table"} // debugging only, never a change

	r := Documents(old, new)
	want := []FieldChange{
		{"title", "关于开展安全检查的通知", "关于开展安全生产检查的通知"},
		{"published", "2025-01-23", "2025-01-24"},
		{"doc_no", "", "区应急〔2025〕3号"},
		{"attachments", "检查表.doc https://example.gov.cn/a.doc", "检查表.doc https://example.gov.cn/a.doc\n名单.pdf https://example.gov.cn/b.pdf"},
	}
	if diff := cmp.Diff(want, r.Fields); diff != "" {
		t.Errorf("Documents().Fields mismatch (-want +got):\n%s", diff)
	}
	if r.Changed != 1 || r.Added != 0 || r.Removed != 0 {
		t.Errorf("Documents() counts = %d changed, %d added, %d removed; want 1, 0, 0", r.Changed, r.Added, r.Removed)
	}
	if same := Documents(old, old); !same.Same() {
		t.Errorf("Documents(old, old).Same() = false: %+v", same)
	}
}

func TestSummary(t *testing.T) {
	old := extract.Document{Title: "旧标题", Body: "第一句。第二句不变。第三句要删掉。"}
	new := extract.Document{Title: "新标题", Body: "第一句话。第二句不变。新增一句很长的话，" + strings.Repeat("很长", 60) + "。"}
	tests := []struct {
		name string
		max  int
		r    Result
		want string
	}{
		{"same", 3, Documents(old, old), "no changes"},
		{"fields and sentences", 3, Documents(old, new), "title: 「旧标题」 → 「新标题」\n" +
			"body: 1 changed, 1 added, 1 removed sentences\n" +
			"~ 第一句话。\n" +
			"- 第三句要删掉。\n" +
			"+ 新增一句很长的话，" + strings.Repeat("很长", 35) + "…"},
		{"sentence limit", 1, Documents(old, new), "title: 「旧标题」 → 「新标题」\n" +
			"body: 1 changed, 1 added, 1 removed sentences\n" +
			"~ 第一句话。"},
		{"field only", 3, Documents(extract.Document{Published: "2025-01-01", Body: "同。"}, extract.Document{Body: "同。"}),
			"published: 「2025-01-01」 → (empty)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.Summary(tt.max); got != tt.want {
				t.Errorf("Summary(%d) =\n%s\nwant\n%s", tt.max, got, tt.want)
			}
		})
	}
}

func TestCollapse(t *testing.T) {
	eq := Op{Kind: Equal, Old: "同。", New: "同。"}
	ch := Op{Kind: Insert, New: "新。"}
	rep := func(op Op, n int) []Op {
		out := make([]Op, n)
		for i := range out {
			out[i] = op
		}
		return out
	}
	kinds := func(cs []Chunk) string {
		var b strings.Builder
		for _, c := range cs {
			switch {
			case c.Skipped > 0:
				b.WriteString("[" + strings.Repeat("s", c.Skipped) + "]")
			case c.Op.Kind == Equal:
				b.WriteString("=")
			default:
				b.WriteString("+")
			}
		}
		return b.String()
	}
	tests := []struct {
		name    string
		ops     []Op
		context int
		want    string
	}{
		{"all equal", rep(eq, 5), 2, "[sssss]"},
		{"single equal kept", rep(eq, 1), 2, "="},
		{"leading run keeps context before change", append(rep(eq, 6), ch), 2, "[ssss]==+"},
		{"trailing run keeps context after change", append([]Op{ch}, rep(eq, 6)...), 2, "+==[ssss]"},
		{"middle run keeps both sides", append(append([]Op{ch}, rep(eq, 8)...), ch), 2, "+==[ssss]==+"},
		{"one hidden sentence is shown", append(append([]Op{ch}, rep(eq, 5)...), ch), 2, "+=====+"},
		{"zero context", append(append([]Op{ch}, rep(eq, 3)...), ch), 0, "+[sss]+"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kinds(Collapse(tt.ops, tt.context)); got != tt.want {
				t.Errorf("Collapse(%d) = %s, want %s", tt.context, got, tt.want)
			}
		})
	}
}

func TestWriteTerminalGolden(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("testdata", "report_v1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	new, err := os.ReadFile(filepath.Join("testdata", "report_v2.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r := Documents(
		extract.Document{Title: "2024年政府信息公开工作年度报告", Published: "2025-01-20", Body: string(old)},
		extract.Document{Title: "2024年政府信息公开工作年度报告", Published: "2025-01-21", Publisher: "区人民政府办公室", Body: string(new)},
	)
	for _, tc := range []struct {
		name  string
		color bool
	}{{"report.diff", false}, {"report.color.diff", true}} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTerminal(&buf, r, tc.color); err != nil {
				t.Fatal(err)
			}
			golden.Equal(t, filepath.Join("testdata", tc.name), buf.Bytes())
		})
	}
}

func TestWriteTerminalNoChanges(t *testing.T) {
	var buf bytes.Buffer
	d := extract.Document{Title: "同", Body: "同。"}
	if err := WriteTerminal(&buf, Documents(d, d), true); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "no changes\n" {
		t.Errorf("WriteTerminal(same) = %q, want %q", got, "no changes\n")
	}
}

func BenchmarkDocuments(b *testing.B) {
	old, err := os.ReadFile(filepath.Join("testdata", "report_v1.txt"))
	if err != nil {
		b.Fatal(err)
	}
	new, err := os.ReadFile(filepath.Join("testdata", "report_v2.txt"))
	if err != nil {
		b.Fatal(err)
	}
	// A long document: the report repeated, with the edits in the middle.
	o := strings.Repeat(string(old), 20)
	n := strings.Repeat(string(old), 10) + string(new) + strings.Repeat(string(old), 9)
	for b.Loop() {
		Documents(extract.Document{Body: o}, extract.Document{Body: n})
	}
}

// A wholesale rewrite is the worst case for pairing removed and added sentences.
func BenchmarkRewrite(b *testing.B) {
	var o, n strings.Builder
	for i := range 200 {
		fmt.Fprintf(&o, "第%d条 本办法适用于本市行政区域内的政府信息公开工作，由市人民政府办公厅负责解释%d。\n", i, i)
		fmt.Fprintf(&n, "第%d项 各级行政机关应当建立健全政府信息公开工作制度，并指定机构负责日常工作%d。\n", i, i*7)
	}
	for b.Loop() {
		Text(o.String(), n.String())
	}
}

func TestSummaryKeepsALateEditInView(t *testing.T) {
	long := strings.Repeat("全面推进法治政府建设，", 12) + "全年办理行政复议案件12件。"
	edited := strings.Replace(long, "12件", "21件", 1)
	got := Documents(extract.Document{Body: long}, extract.Document{Body: edited}).Summary(2)
	if !strings.Contains(got, "21件") {
		t.Errorf("Summary = %q, want the edited figure in view", got)
	}
	if n := len([]rune(strings.Split(got, "\n")[1])); n > 84 {
		t.Errorf("summary line has %d characters, want about 80", n)
	}
}
