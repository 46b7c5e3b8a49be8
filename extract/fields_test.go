package extract

import (
	"strings"
	"testing"
)

func TestValidateFields(t *testing.T) {
	tests := []struct {
		name    string
		fields  map[string]string
		wantErr string // substring; "" means valid
	}{
		{"nil", nil, ""},
		{"all keys", map[string]string{
			"title": "h1.title", "index_no": "#idx", "published": "td.pub", "written": ".cwrq",
			"publisher": "span.source", "doc_no": "td:nth-child(2)", "topic": ".ztfl", "access": ".gkfs", "body": "#zoom, .TRS_Editor",
		}, ""},
		{"unknown key", map[string]string{"author": ".author"}, `unknown field "author"`},
		{"bad selector", map[string]string{"title": "div[[["}, `field "title": selector`},
		{"empty selector", map[string]string{"body": "  "}, `field "body": empty selector`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateFields(tt.fields)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("ValidateFields(%v) = %v, want nil", tt.fields, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("ValidateFields(%v) = %v, want an error containing %q", tt.fields, err, tt.wantErr)
			}
		})
	}
}

func TestExtractRejectsBadFields(t *testing.T) {
	_, err := Extract([]byte("<p>x</p>"), "https://example.gov.cn/", Options{Fields: map[string]string{"colour": "p"}})
	if err == nil {
		t.Fatal("Extract with an unknown field key = nil error, want an error")
	}
}

func TestNormalizeLabel(t *testing.T) {
	tests := map[string]string{
		"索 引 号":           "索引号",
		"标　　题：":           "标题",
		"文\u00a0\u00a0号:": "文号",
		" 发 布 机 构 ： ":     "发布机构",
	}
	for in, want := range tests {
		if got := normalizeLabel(in); got != want {
			t.Errorf("normalizeLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
