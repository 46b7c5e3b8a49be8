package extract

import (
	"net/url"
	"path"
	"strings"
)

// attachmentExts are the file types kept as attachments.
var attachmentExts = map[string]bool{
	".pdf": true, ".doc": true, ".docx": true, ".xls": true, ".xlsx": true, ".wps": true,
	".ofd": true, ".zip": true, ".rar": true, ".7z": true, ".ppt": true, ".pptx": true, ".et": true,
}

// attachments resolves the page's links to files, in page order, without
// duplicates. Links inside navigation, headers and footers are skipped.
func attachments(links, extra []pageLink, base *url.URL, baseHref string) []Attachment {
	if base == nil {
		base = &url.URL{}
	}
	if baseHref != "" {
		if u, err := base.Parse(strings.TrimSpace(baseHref)); err == nil {
			base = u
		}
	}
	var out []Attachment
	seen := map[string]int{}
	for _, l := range append(links, extra...) {
		if l.chrome {
			continue
		}
		href := strings.TrimSpace(l.href)
		lower := strings.ToLower(href)
		if strings.HasPrefix(lower, "javascript:") || strings.HasPrefix(lower, "mailto:") || strings.HasPrefix(lower, "#") || strings.HasPrefix(lower, "data:") {
			continue
		}
		u, err := base.Parse(href)
		if err != nil {
			continue
		}
		u.Fragment = ""
		if !isAttachment(u, l.text) {
			continue
		}
		abs := u.String()
		name := strings.TrimSpace(l.text)
		if name == "" {
			name = strings.TrimSpace(l.title)
		}
		if name == "" {
			name = fileName(u)
		}
		if i, ok := seen[abs]; ok {
			if out[i].Name == fileName(u) && name != "" {
				out[i].Name = name
			}
			continue
		}
		seen[abs] = len(out)
		out = append(out, Attachment{Name: name, URL: abs})
	}
	return out
}

func isAttachment(u *url.URL, text string) bool {
	if attachmentExts[strings.ToLower(path.Ext(u.Path))] {
		return true
	}
	// Download scripts: /module/download/downfile.jsp?filename=….pdf
	for _, vs := range u.Query() {
		for _, v := range vs {
			if attachmentExts[strings.ToLower(path.Ext(v))] {
				return true
			}
		}
	}
	return false
}

func fileName(u *url.URL) string {
	for _, k := range []string{"filename", "fileName", "showname", "name"} {
		if v := u.Query().Get(k); v != "" {
			return path.Base(v)
		}
	}
	return path.Base(u.Path)
}
