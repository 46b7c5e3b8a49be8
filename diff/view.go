package diff

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/gongkai/gongkai/extract"
)

// Chunk is one row of a diff view: either an Op, or (Skipped > 0) a run of
// that many unchanged sentences left out of the view.
type Chunk struct {
	Op      Op
	Skipped int
}

// Collapse keeps context unchanged sentences on each side of every change
// and folds longer runs of unchanged sentences into one Chunk. A run is only
// folded when that hides at least two sentences.
func Collapse(ops []Op, context int) []Chunk {
	context = max(context, 0)
	var out []Chunk
	for i := 0; i < len(ops); {
		if ops[i].Kind != Equal {
			out = append(out, Chunk{Op: ops[i]})
			i++
			continue
		}
		j := i
		for j < len(ops) && ops[j].Kind == Equal {
			j++
		}
		head, tail := context, context // kept after the previous change, before the next
		if i == 0 {
			head = 0
		}
		if j == len(ops) {
			tail = 0
		}
		if hidden := (j - i) - head - tail; hidden >= 2 {
			for _, op := range ops[i : i+head] {
				out = append(out, Chunk{Op: op})
			}
			out = append(out, Chunk{Skipped: hidden})
			for _, op := range ops[j-tail : j] {
				out = append(out, Chunk{Op: op})
			}
		} else {
			for _, op := range ops[i:j] {
				out = append(out, Chunk{Op: op})
			}
		}
		i = j
	}
	return out
}

// Notice is what every view says above a truncated diff; "" when the
// comparison is complete.
func (r Result) Notice() string {
	if !r.Truncated {
		return ""
	}
	return fmt.Sprintf("差异过大 Diff too large: showing the first %d changes (of at most %d sentences per version)", MaxChanges, MaxSentences)
}

// SkippedText is how a folded run reads in every view.
func SkippedText(n int) string {
	if n == 1 {
		return "… 1 unchanged sentence …"
	}
	return fmt.Sprintf("… %d unchanged sentences …", n)
}

// FieldLabel gives a field's Chinese label followed by its English name,
// from extract's field table.
func FieldLabel(field string) string {
	if field == Attachments {
		return "附件 Attachments"
	}
	if f, ok := extract.FieldByKey(field); ok {
		return f.Label()
	}
	return field
}

// BodyCounts says how many sentences were changed, added and removed.
func (r Result) BodyCounts() string {
	return fmt.Sprintf("%d changed, %d added, %d removed %s", r.Changed, r.Added, r.Removed, plural(r.Changed+r.Added+r.Removed, "sentence"))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// Summary is a short plain-text account of the differences, for
// notifications and logs: one line per changed field, a line of sentence
// counts, then up to maxSentences changed sentences ("~" changed, "+" added,
// "-" removed), each cut to a readable length.
func (r Result) Summary(maxSentences int) string {
	if r.Same() {
		return "no changes"
	}
	var b strings.Builder
	for _, f := range r.Fields {
		fmt.Fprintf(&b, "%s: %s → %s\n", f.Field, quoteShort(f.Old, 40), quoteShort(f.New, 40))
	}
	if r.Changed+r.Added+r.Removed > 0 {
		fmt.Fprintf(&b, "body: %s\n", r.BodyCounts())
		shown := 0
		for _, op := range r.Body {
			if shown >= maxSentences {
				break
			}
			switch op.Kind {
			case Change:
				fmt.Fprintf(&b, "~ %s\n", around(op, 80))
			case Insert:
				fmt.Fprintf(&b, "+ %s\n", cut(op.New, 80))
			case Delete:
				fmt.Fprintf(&b, "- %s\n", cut(op.Old, 80))
			default:
				continue
			}
			shown++
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func quoteShort(s string, n int) string {
	if s == "" {
		return "(empty)"
	}
	return "「" + cut(strings.ReplaceAll(s, "\n", "; "), n) + "」"
}

// around shows a changed sentence of at most n characters, cut so that the
// first edit stays in view: in a long report sentence the change may sit
// past the point where a plain cut would end.
func around(op Op, n int) string {
	rs := []rune(op.New)
	if len(rs) <= n {
		return op.New
	}
	at := 0 // rune offset in New of the first edit
	for _, sp := range op.Spans {
		if sp.Kind != Equal {
			break
		}
		at += len([]rune(sp.Text))
	}
	start := max(0, min(at-n/3, len(rs)-(n-1)))
	out := string(rs[start:min(len(rs), start+n-2)])
	if start > 0 {
		out = "…" + out
	}
	if start+n-2 < len(rs) {
		out += "…"
	}
	return out
}

// cut shortens s to at most n characters, marking the cut with "…".
func cut(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}

// ANSI sequences for WriteTerminal.
const (
	ansiReset   = "\x1b[0m"
	ansiBold    = "\x1b[1m"
	ansiDim     = "\x1b[2m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiDelMark = "\x1b[1;97;41m" // bold white on red
	ansiInsMark = "\x1b[1;97;42m" // bold white on green
)

// terminalContext is how many unchanged sentences surround each change in
// terminal output.
const terminalContext = 1

// WriteTerminal writes r as "-"/"+" lines for a terminal. Changed fields come
// first, then the body with long unchanged runs folded. With color, removed
// and added lines are red and green and the changed characters inside a
// changed sentence are highlighted; without color those characters are
// marked [-like this-] and {+like this+}, as git's word diff does.
func WriteTerminal(w io.Writer, r Result, color bool) error {
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	if r.Same() {
		fmt.Fprintln(bw, "no changes")
		return bw.Flush()
	}
	if len(r.Fields) > 0 {
		fmt.Fprintln(bw, paint(ansiBold, "Fields"))
		for _, f := range r.Fields {
			fmt.Fprintf(bw, "  %s\n", FieldLabel(f.Field))
			// An empty side (a field that appeared or vanished) gets no line.
			for _, l := range lines(f.Old) {
				fmt.Fprintln(bw, paint(ansiRed, "  - "+l))
			}
			for _, l := range lines(f.New) {
				fmt.Fprintln(bw, paint(ansiGreen, "  + "+l))
			}
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, paint(ansiBold, "Body: "+r.BodyCounts()))
	if n := r.Notice(); n != "" {
		fmt.Fprintln(bw, paint(ansiDim, "  "+n))
	}
	for _, c := range Collapse(r.Body, terminalContext) {
		if c.Skipped > 0 {
			fmt.Fprintln(bw, paint(ansiDim, "  "+SkippedText(c.Skipped)))
			continue
		}
		op := c.Op
		switch op.Kind {
		case Equal:
			fmt.Fprintln(bw, "  "+op.Old)
		case Delete:
			fmt.Fprintln(bw, paint(ansiRed, "- "+op.Old))
		case Insert:
			fmt.Fprintln(bw, paint(ansiGreen, "+ "+op.New))
		case Change:
			fmt.Fprintln(bw, spanLine(op.Spans, Delete, color))
			fmt.Fprintln(bw, spanLine(op.Spans, Insert, color))
		}
	}
	return bw.Flush()
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// spanLine renders one side (Delete = old, Insert = new) of a changed sentence.
func spanLine(spans []Span, side string, color bool) string {
	prefix, base, mark, open, close := "- ", ansiRed, ansiDelMark, "[-", "-]"
	if side == Insert {
		prefix, base, mark, open, close = "+ ", ansiGreen, ansiInsMark, "{+", "+}"
	}
	var b strings.Builder
	if color {
		b.WriteString(base)
	}
	b.WriteString(prefix)
	for _, s := range spans {
		switch {
		case s.Kind == Equal:
			b.WriteString(s.Text)
		case s.Kind == side && color:
			b.WriteString(mark + s.Text + ansiReset + base)
		case s.Kind == side:
			b.WriteString(open + s.Text + close)
		}
	}
	if color {
		b.WriteString(ansiReset)
	}
	return b.String()
}
