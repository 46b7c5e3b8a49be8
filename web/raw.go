package web

import (
	"net/http"
	"strings"
)

// rawCSP sandboxes an archived page: a unique opaque origin (no cookies, no
// storage, no same-origin requests to the UI), no scripts, forms or plugins,
// nothing loaded from the network; inline styles and data: images only, so
// that the page stays roughly readable.
const rawCSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"

// rawPage serves the bytes of a version's capture as they were received.
// The bytes are untrusted (they came from a third-party site): they are
// served only here, under rawCSP, with their original content type and
// charset and no sniffing, and the UI links to them rather than embedding them.
func (s *Server) rawPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathDoc(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	n, err := pathVersion(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	c, err := s.r.Capture(r.Context(), id, n)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	ct := strings.TrimSpace(c.Header.Get("Content-Type"))
	if ct == "" {
		// Sniffed here, on the server, because nosniff forbids the browser to.
		ct = http.DetectContentType(c.Body)
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Security-Policy", rawCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "private, max-age=86400, immutable") // a version never changes
	if e := strings.ToLower(strings.TrimSpace(c.Header.Get("Content-Encoding"))); (e == "gzip" || e == "x-gzip") &&
		len(c.Body) >= 2 && c.Body[0] == 0x1f && c.Body[1] == 0x8b {
		h.Set("Content-Encoding", "gzip") // the capture keeps the bytes as received; the browser inflates them
	}
	w.Write(c.Body)
}
