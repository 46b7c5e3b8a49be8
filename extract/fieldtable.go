package extract

// RulesVersion identifies the extraction rules. Bump it in every change that
// can alter what Extract returns for some page: a stored version records the
// rules that produced it, and the archive re-extracts a document's stored raw
// capture before comparing it with a fetch made under other rules, so that a
// better extractor never looks like an edit by the publisher.
// TestRulesVersionBumped fails when the golden outputs change while this
// number stays the same.
const RulesVersion = 2

// Field describes one extracted text field of a Document. The table below is
// the single declaration every reader loops over: validation of field
// overrides, the fingerprint, diffs, exports, the command line and the web
// templates. Attachments are not in it: they are a list, not a string.
type Field struct {
	Key  string // JSON key, Options.Fields key and Document.Sources key
	ZH   string // Chinese label, e.g. 索引号
	EN   string // English label, e.g. Index No.
	Date bool   // holds a YYYY-MM-DD[ HH:MM[:SS]] date
	// Meta is false for the body: a field shown with the metadata block.
	Meta bool
	get  func(*Document) *string
}

// Value returns the field's value in d.
func (f Field) Value(d Document) string { return *f.get(&d) }

// Ptr returns a pointer to the field in d, for code that rewrites every field.
func (f Field) Ptr(d *Document) *string { return f.get(d) }

// Label is the bilingual label the UI and CLI show, e.g. "索引号 Index No.".
func (f Field) Label() string { return f.ZH + " " + f.EN }

var fieldTable = [...]Field{
	{Key: FieldTitle, ZH: "标题", EN: "Title", Meta: true, get: func(d *Document) *string { return &d.Title }},
	{Key: FieldIndexNo, ZH: "索引号", EN: "Index No.", Meta: true, get: func(d *Document) *string { return &d.IndexNo }},
	{Key: FieldPublished, ZH: "发布日期", EN: "Published", Date: true, Meta: true, get: func(d *Document) *string { return &d.Published }},
	{Key: FieldWritten, ZH: "成文日期", EN: "Written", Date: true, Meta: true, get: func(d *Document) *string { return &d.Written }},
	{Key: FieldPublisher, ZH: "发布机构", EN: "Publisher", Meta: true, get: func(d *Document) *string { return &d.Publisher }},
	{Key: FieldDocNo, ZH: "文号", EN: "Doc No.", Meta: true, get: func(d *Document) *string { return &d.DocNo }},
	{Key: FieldTopic, ZH: "主题分类", EN: "Topic", Meta: true, get: func(d *Document) *string { return &d.Topic }},
	{Key: FieldAccess, ZH: "公开方式", EN: "Access", Meta: true, get: func(d *Document) *string { return &d.Access }},
	{Key: FieldBody, ZH: "正文", EN: "Body", get: func(d *Document) *string { return &d.Body }},
}

// Fields returns the text fields of a Document in display order. The slice is
// a copy: callers may keep or change it.
func Fields() []Field {
	out := make([]Field, len(fieldTable))
	copy(out, fieldTable[:])
	return out
}

// FieldByKey looks a field up by its key.
func FieldByKey(key string) (Field, bool) {
	for _, f := range fieldTable {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}
