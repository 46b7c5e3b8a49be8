// Package extract turns one fetched disclosure page (HTML bytes and its URL)
// into a Document: the title, the disclosure metadata (索引号, dates,
// publisher, document number…), the body text and the attachments. It is a
// pure package: no I/O, no global state, safe for concurrent use.
package extract

// Document is what a disclosure page published, normalized. The JSON field
// names are part of the export schema and the API: do not rename them.
type Document struct {
	Title       string       `json:"title"`
	IndexNo     string       `json:"index_no,omitempty"`  // 索引号
	Published   string       `json:"published,omitempty"` // 发布日期, YYYY-MM-DD[ HH:MM[:SS]]
	Written     string       `json:"written,omitempty"`   // 成文日期, same format
	Publisher   string       `json:"publisher,omitempty"` // 发布机构
	DocNo       string       `json:"doc_no,omitempty"`    // 发文字号
	Topic       string       `json:"topic,omitempty"`     // 主题分类
	Access      string       `json:"access,omitempty"`    // 公开方式
	Body        string       `json:"body"`                // plain text, paragraphs separated by "\n"
	Attachments []Attachment `json:"attachments,omitempty"`

	// Sources says where each non-empty field came from ("table", "meta:PubDate",
	// "line", "override:#idx", "container:#zoom", …). It is for debugging
	// only and is not part of a version's fingerprint.
	Sources map[string]string `json:"sources,omitempty"`
}

// Attachment is a linked file (PDF, DOC, OFD, …) of a document.
type Attachment struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}
