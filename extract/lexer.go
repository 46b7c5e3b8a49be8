// The tokenizer states below are adapted from golang.org/x/net/html
// (token.go): Copyright 2010 The Go Authors. All rights reserved. Use of
// that code is governed by a BSD-style license in LICENSE-x-net beside this
// file.

package extract

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// lexer tokenizes a page held in memory the way golang.org/x/net/html's
// Tokenizer does (same token boundaries, types and text; CDATA is not
// recognised, as in a Tokenizer without AllowCDATA; <br/> and the like are
// start tags, since the walker treats both alike), but reads the []byte
// directly: the Tokenizer reads through an io.Reader one byte per call,
// and that readByte alone was a sixth of Extract's CPU time. Long runs of
// text, script and style are skipped with bytes.IndexByte. Its states and
// their order follow the Tokenizer's (token.go, BSD-style licence, The Go
// Authors) so that a difference shows up in TestLexerMatchesTokenizer and
// FuzzLexer.
//
// The input is never modified: Text copies into a scratch buffer only
// when the text has a '\r', an entity or (in raw text) a NUL to rewrite.
type lexer struct {
	src []byte
	tt  html.TokenType
	// eof is the Tokenizer's err: set by a read past the end, sticky.
	eof bool
	// src[rawStart:end] is the current token; end is the read position.
	rawStart, end int
	// src[dataStart:dataEnd] is its text or tag name.
	dataStart, dataEnd int
	// rawTag is the lower-case name of the element whose raw text or
	// RCDATA the next token is ("script", "title", …), or "".
	rawTag     string
	textIsRaw  bool   // the text has no entities to unescape
	convertNUL bool   // NULs in the text become U+FFFD
	scratch    []byte // Text's copy of the text
	unescaped  []byte // and its entities decoded
	// attrs are the current tag's attributes with a non-empty key, in
	// order, as spans of src: what the streamer reads instead of parsing
	// Raw again.
	attrs []attrSpan
}

// attrSpan is an attribute: its key is src[key:keyEnd], its value (raw,
// without quotes) src[val:valEnd].
type attrSpan struct {
	key, keyEnd, val, valEnd int
}

func newLexer(src []byte) *lexer { return &lexer{src: src} }

// readByte returns the next byte, or sets eof at the end of the input.
func (z *lexer) readByte() byte {
	if z.end >= len(z.src) {
		z.eof = true
		return 0
	}
	c := z.src[z.end]
	z.end++
	return c
}

// skipTo moves the read position past the next c and reports whether there
// was one; without one it reads to the end and sets eof. It stands for a
// run of readByte calls that only look for c.
func (z *lexer) skipTo(c byte) bool {
	i := bytes.IndexByte(z.src[z.end:], c)
	if i < 0 {
		z.end = len(z.src)
		z.eof = true
		return false
	}
	z.end += i + 1
	return true
}

// Raw is the current token's source text.
func (z *lexer) Raw() []byte { return z.src[z.rawStart:z.end] }

func (z *lexer) skipWhiteSpace() {
	if z.eof {
		return
	}
	for ; z.end < len(z.src); z.end++ {
		switch z.src[z.end] {
		case ' ', '\n', '\r', '\t', '\f':
		default:
			return
		}
	}
	z.eof = true
}

// readRawOrRCDATA reads up to the "</rawTag" that ends the raw text.
func (z *lexer) readRawOrRCDATA() {
	if z.rawTag == "script" {
		z.readScript()
		z.dataEnd = z.end
		z.textIsRaw = true
		z.rawTag = ""
		return
	}
	for {
		if !z.skipTo('<') {
			break
		}
		c := z.readByte()
		if z.eof {
			break
		}
		if c != '/' {
			z.end--
			continue
		}
		if z.readRawEndTag() || z.eof {
			break
		}
	}
	z.dataEnd = z.end
	// A textarea's or title's RCDATA can contain escaped entities.
	z.textIsRaw = z.rawTag != "textarea" && z.rawTag != "title"
	z.rawTag = ""
}

// readRawEndTag reads "rawTag" after a "</" and, when it is followed by a
// space, '/' or '>', backs up to before the "</" and reports true.
func (z *lexer) readRawEndTag() bool {
	for i := 0; i < len(z.rawTag); i++ {
		c := z.readByte()
		if z.eof {
			return false
		}
		if c != z.rawTag[i] && c != z.rawTag[i]-('a'-'A') {
			z.end--
			return false
		}
	}
	c := z.readByte()
	if z.eof {
		return false
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		z.end -= 3 + len(z.rawTag)
		return true
	}
	z.end--
	return false
}

// readScript reads until the </script> that ends a script, following the
// escaping rules of the script data states.
func (z *lexer) readScript() {
	var c byte

scriptData:
	if !z.skipTo('<') {
		return
	}
	goto scriptDataLessThanSign

scriptDataLessThanSign:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '/':
		goto scriptDataEndTagOpen
	case '!':
		goto scriptDataEscapeStart
	}
	z.end--
	goto scriptData

scriptDataEndTagOpen:
	if z.readRawEndTag() || z.eof {
		return
	}
	goto scriptData

scriptDataEscapeStart:
	c = z.readByte()
	if z.eof {
		return
	}
	if c == '-' {
		goto scriptDataEscapeStartDash
	}
	z.end--
	goto scriptData

scriptDataEscapeStartDash:
	c = z.readByte()
	if z.eof {
		return
	}
	if c == '-' {
		goto scriptDataEscapedDashDash
	}
	z.end--
	goto scriptData

scriptDataEscaped:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDash:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDashDash:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataEscaped

scriptDataEscapedLessThanSign:
	c = z.readByte()
	if z.eof {
		return
	}
	if c == '/' {
		goto scriptDataEscapedEndTagOpen
	}
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
		goto scriptDataDoubleEscapeStart
	}
	z.end--
	goto scriptData

scriptDataEscapedEndTagOpen:
	if z.readRawEndTag() || z.eof {
		return
	}
	goto scriptDataEscaped

scriptDataDoubleEscapeStart:
	z.end--
	for i := 0; i < len("script"); i++ {
		c = z.readByte()
		if z.eof {
			return
		}
		if c != "script"[i] && c != "SCRIPT"[i] {
			z.end--
			goto scriptDataEscaped
		}
	}
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		goto scriptDataDoubleEscaped
	}
	z.end--
	goto scriptDataEscaped

scriptDataDoubleEscaped:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDash:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDashDash:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedLessThanSign:
	c = z.readByte()
	if z.eof {
		return
	}
	if c == '/' {
		goto scriptDataDoubleEscapeEnd
	}
	z.end--
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapeEnd:
	if z.readRawEndTag() {
		z.end += len("</script>")
		goto scriptDataEscaped
	}
	if z.eof {
		return
	}
	goto scriptDataDoubleEscaped
}

// readComment reads a comment whose "<!--" has been read.
func (z *lexer) readComment() {
	z.dataStart = z.end
	defer func() {
		if z.dataEnd < z.dataStart {
			z.dataEnd = z.dataStart // <!-->
		}
	}()
	dashCount := 0
	beginning := true
	for {
		c := z.readByte()
		if z.eof {
			z.dataEnd = z.abruptCommentDataEnd()
			return
		}
		switch c {
		case '-':
			dashCount++
			continue
		case '>':
			if dashCount >= 2 || beginning {
				z.dataEnd = z.end - len("-->")
				return
			}
		case '!':
			if dashCount >= 2 {
				c = z.readByte()
				if z.eof {
					z.dataEnd = z.abruptCommentDataEnd()
					return
				} else if c == '>' {
					z.dataEnd = z.end - len("--!>")
					return
				} else if c == '-' {
					dashCount = 1
					beginning = false
					continue
				}
			}
		}
		dashCount = 0
		beginning = false
	}
}

func (z *lexer) abruptCommentDataEnd() int {
	raw := z.Raw()
	if len(raw) >= len("<!--") {
		raw = raw[len("<!--"):]
		switch {
		case bytes.HasSuffix(raw, []byte("--!")):
			return z.end - 3
		case bytes.HasSuffix(raw, []byte("--")):
			return z.end - 2
		case bytes.HasSuffix(raw, []byte("-")):
			return z.end - 1
		}
	}
	return z.end
}

// readUntilCloseAngle reads a bogus comment up to the next '>'.
func (z *lexer) readUntilCloseAngle() {
	z.dataStart = z.end
	if z.skipTo('>') {
		z.dataEnd = z.end - 1
		return
	}
	z.dataEnd = z.end
}

// readMarkupDeclaration reads a token starting with "<!": a comment, a
// doctype or a bogus comment.
func (z *lexer) readMarkupDeclaration() html.TokenType {
	z.dataStart = z.end
	var c [2]byte
	for i := 0; i < 2; i++ {
		c[i] = z.readByte()
		if z.eof {
			z.dataEnd = z.end
			if i == 1 && c[0] == '>' {
				z.dataEnd--
			}
			return html.CommentToken
		}
	}
	if c[0] == '-' && c[1] == '-' {
		z.readComment()
		return html.CommentToken
	}
	z.end -= 2
	if z.readDoctype() {
		return html.DoctypeToken
	}
	z.readUntilCloseAngle()
	return html.CommentToken
}

// readDoctype reads "DOCTYPE …>" after "<!" and reports whether it was one.
func (z *lexer) readDoctype() bool {
	const s = "DOCTYPE"
	for i := 0; i < len(s); i++ {
		c := z.readByte()
		if z.eof {
			// Read the fragment again as a bogus comment, which meets the
			// end of the input anew.
			z.end = z.dataStart
			z.eof = false
			return false
		}
		if c != s[i] && c != s[i]+('a'-'A') {
			z.end = z.dataStart
			return false
		}
	}
	if z.skipWhiteSpace(); z.eof {
		z.dataStart = z.end
		z.dataEnd = z.end
		return true
	}
	z.readUntilCloseAngle()
	return true
}

// rawTextTag returns the lower-case tag name when the element's content
// is raw text or RCDATA, else "".
func rawTextTag(name []byte) string {
	if len(name) < 3 || len(name) > 9 {
		return ""
	}
	var low [9]byte
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	switch string(low[:len(name)]) {
	case "iframe":
		return "iframe"
	case "noembed":
		return "noembed"
	case "noframes":
		return "noframes"
	case "noscript":
		return "noscript"
	case "plaintext":
		return "plaintext"
	case "script":
		return "script"
	case "style":
		return "style"
	case "textarea":
		return "textarea"
	case "title":
		return "title"
	case "xmp":
		return "xmp"
	}
	return ""
}

// readStartTag reads a start tag whose "<a" has been read.
func (z *lexer) readStartTag() html.TokenType {
	z.readTag()
	if z.eof {
		return html.ErrorToken
	}
	z.rawTag = rawTextTag(z.src[z.dataStart:z.dataEnd])
	return html.StartTagToken
}

// readTag reads a tag's name and attributes, after its "<a" or "</a".
func (z *lexer) readTag() {
	z.attrs = z.attrs[:0]
	z.readTagName()
	if z.skipWhiteSpace(); z.eof {
		return
	}
	for {
		c := z.readByte()
		if z.eof || c == '>' {
			break
		}
		z.end--
		key := z.end
		z.readTagAttrKey()
		keyEnd := z.end
		val, valEnd := z.readTagAttrVal()
		if keyEnd > key { // an empty key is a '/' passed over
			z.attrs = append(z.attrs, attrSpan{key, keyEnd, val, valEnd})
		}
		if z.skipWhiteSpace(); z.eof {
			break
		}
	}
}

// readTagName reads the rest of a tag name whose first byte has been
// read, and the space after it.
func (z *lexer) readTagName() {
	z.dataStart = z.end - 1
	for i := z.end; i < len(z.src); i++ {
		switch z.src[i] {
		case ' ', '\n', '\r', '\t', '\f':
			z.dataEnd, z.end = i, i+1
			return
		case '/', '>':
			z.dataEnd, z.end = i, i
			return
		}
	}
	z.dataEnd, z.end, z.eof = len(z.src), len(z.src), true
}

// readTagAttrKey reads up to the end of an attribute's key.
func (z *lexer) readTagAttrKey() {
	start := z.end
	for i := start; i < len(z.src); i++ {
		switch z.src[i] {
		case '=':
			if i == start {
				continue // a key may start with '='
			}
			z.end = i
			return
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			z.end = i
			return
		}
	}
	z.end, z.eof = len(z.src), true
}

// readTagAttrVal reads an attribute's "=value", if any, and returns the
// span of the value.
func (z *lexer) readTagAttrVal() (start, end int) {
	start, end = z.end, z.end
	if z.skipWhiteSpace(); z.eof {
		return
	}
	c := z.readByte()
	if z.eof {
		return
	}
	if c == '/' {
		return
	}
	if c != '=' {
		z.end--
		return
	}
	if z.skipWhiteSpace(); z.eof {
		return
	}
	quote := z.readByte()
	if z.eof {
		return
	}
	switch quote {
	case '>':
		z.end--
		return
	case '\'', '"':
		start = z.end
		if z.skipTo(quote) {
			return start, z.end - 1
		}
		return start, z.end
	}
	start = z.end - 1
	for i := z.end; i < len(z.src); i++ {
		switch z.src[i] {
		case ' ', '\n', '\r', '\t', '\f':
			z.end = i + 1
			return start, i
		case '>':
			z.end = i
			return start, i
		}
	}
	z.end, z.eof = len(z.src), true
	return start, z.end
}

// Next scans the next token and returns its type.
func (z *lexer) Next() html.TokenType {
	z.rawStart = z.end
	z.dataStart = z.end
	z.dataEnd = z.end
	if z.eof {
		z.tt = html.ErrorToken
		return z.tt
	}
	if z.rawTag != "" {
		if z.rawTag == "plaintext" {
			z.end = len(z.src)
			z.eof = true
			z.dataEnd = z.end
			z.textIsRaw = true
		} else {
			z.readRawOrRCDATA()
		}
		if z.dataEnd > z.dataStart {
			z.tt = html.TextToken
			z.convertNUL = true
			return z.tt
		}
	}
	z.textIsRaw = false
	z.convertNUL = false

loop:
	for {
		if !z.skipTo('<') {
			break
		}
		c := z.readByte()
		if z.eof {
			break
		}
		var tt html.TokenType
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			tt = html.StartTagToken
		case c == '/':
			tt = html.EndTagToken
		case c == '!' || c == '?':
			tt = html.CommentToken
		default:
			z.end-- // reconsume c
			continue
		}
		// Text before the tag is a token of its own.
		if x := z.end - len("<a"); z.rawStart < x {
			z.end = x
			z.dataEnd = x
			z.tt = html.TextToken
			return z.tt
		}
		switch tt {
		case html.StartTagToken:
			z.tt = z.readStartTag()
			return z.tt
		case html.EndTagToken:
			c = z.readByte()
			if z.eof {
				break loop // "</" at the end is text
			}
			if c == '>' {
				z.tt = html.CommentToken // "</>"
				return z.tt
			}
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
				z.readTag()
				if z.eof {
					z.tt = html.ErrorToken
				} else {
					z.tt = html.EndTagToken
				}
				return z.tt
			}
			z.end--
			z.readUntilCloseAngle()
			z.tt = html.CommentToken
			return z.tt
		default:
			if c == '!' {
				z.tt = z.readMarkupDeclaration()
				return z.tt
			}
			z.end--
			z.readUntilCloseAngle()
			z.tt = html.CommentToken
			return z.tt
		}
	}
	if z.rawStart < z.end {
		z.dataEnd = z.end
		z.tt = html.TextToken
		return z.tt
	}
	z.tt = html.ErrorToken
	return z.tt
}

// Text returns the text of a text, comment or doctype token as the
// Tokenizer's Text does: newlines normalised, NULs of raw text replaced,
// entities unescaped. It is the input itself when nothing changes, else a
// buffer reused by the next call.
func (z *lexer) Text() []byte {
	switch z.tt {
	case html.TextToken, html.CommentToken, html.DoctypeToken:
	default:
		return nil
	}
	s := z.src[z.dataStart:z.dataEnd]
	nul := (z.convertNUL || z.tt == html.CommentToken) && bytes.IndexByte(s, 0) >= 0
	amp := !z.textIsRaw && bytes.IndexByte(s, '&') >= 0
	if !nul && !amp && bytes.IndexByte(s, '\r') < 0 {
		return s
	}
	b := convertNewlines(append(z.scratch[:0], s...))
	if nul {
		b = bytes.ReplaceAll(b, []byte{0}, []byte("\ufffd"))
	}
	z.scratch = b[:0]
	if amp {
		b = appendUnescaped(z.unescaped[:0], b)
		z.unescaped = b[:0]
	}
	return b
}

// convertNewlines turns "\r\n" and "\r" into "\n", in place.
func convertNewlines(s []byte) []byte {
	i := bytes.IndexByte(s, '\r')
	if i < 0 {
		return s
	}
	dst := i
	for src := i; src < len(s); src++ {
		c := s[src]
		if c == '\r' {
			if src+1 < len(s) && s[src+1] == '\n' {
				src++
			}
			c = '\n'
		}
		s[dst] = c
		dst++
	}
	return s[:dst]
}

// appendUnescaped appends s with its character references replaced, as
// html.UnescapeString does. The common references (&nbsp; &amp; &lt; &gt;
// &quot; and decimal ones, with their ';') are decoded here; others go
// through html.UnescapeString one at a time. A reference never reaches
// past the next '&', so each piece from an '&' to the next decodes alone.
func appendUnescaped(dst, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		j := bytes.IndexByte(s[1:], '&')
		if j < 0 {
			j = len(s)
		} else {
			j++
		}
		piece := s[:j]
		s = s[j:]
		if r, n := commonEntity(piece); n > 0 {
			dst = utf8.AppendRune(dst, r)
			dst = append(dst, piece[n:]...)
			continue
		}
		dst = append(dst, html.UnescapeString(string(piece))...)
	}
}

// commonEntity decodes the frequent references at the start of s and
// returns the rune and the reference's length, or n = 0 for any other.
func commonEntity(s []byte) (rune, int) {
	switch {
	case bytes.HasPrefix(s, []byte("&nbsp;")):
		return '\u00a0', 6
	case bytes.HasPrefix(s, []byte("&amp;")):
		return '&', 5
	case bytes.HasPrefix(s, []byte("&lt;")):
		return '<', 4
	case bytes.HasPrefix(s, []byte("&gt;")):
		return '>', 4
	case bytes.HasPrefix(s, []byte("&quot;")):
		return '"', 6
	case len(s) > 3 && s[1] == '#':
		r, i := rune(0), 2
		for ; i < len(s) && i < 9 && '0' <= s[i] && s[i] <= '9'; i++ {
			r = r*10 + rune(s[i]-'0')
		}
		// The Tokenizer maps 0, C1 controls, surrogates and values past
		// U+10FFFF to other runes: leave those to it.
		if i == 2 || i >= len(s) || s[i] != ';' || r == 0 || r >= 0x80 && r <= 0x9f || r >= 0xd800 && r <= 0xdfff || r > utf8.MaxRune {
			return 0, 0
		}
		return r, i + 1
	}
	return 0, 0
}
