package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gongkai/gongkai/config"
	"github.com/gongkai/gongkai/extract"
)

func cmdExtract(ctx context.Context, e *env, args []string) error {
	var pageURL, fields string
	var asJSON bool
	fs := e.flags("extract", "[-url URL] [-json] FILE|URL", `Run the extractor on one saved page (FILE) or one live page (URL) and print
the document and where each field came from: check a new site before adding it.`, nil)
	fs.StringVar(&pageURL, "url", "", "the page's URL, for a saved FILE (resolves attachment links)")
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	fs.StringVar(&fields, "fields", "", "CSS overrides to try, as field=selector,field=selector (as in a source's fields:)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	opts := extract.Options{Fields: map[string]string{}}
	for _, kv := range strings.Split(fields, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			opts.Fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	if err := extract.ValidateFields(opts.Fields); err != nil {
		return fmt.Errorf("-fields: %w", err)
	}
	arg := fs.Arg(0)
	var raw []byte
	var contentType string
	var err error
	if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
		raw, contentType, err = fetchOne(ctx, arg)
		if pageURL == "" {
			pageURL = arg
		}
	} else {
		raw, err = os.ReadFile(arg)
		if pageURL == "" {
			pageURL = "file:///" + strings.TrimPrefix(arg, "/")
		}
	}
	if err != nil {
		return err
	}
	page, charset, err := extract.Decode(raw, contentType)
	if err != nil {
		return fmt.Errorf("decode %s: %w", arg, err)
	}
	doc, err := extract.Extract(page, pageURL, opts)
	if err != nil {
		return fmt.Errorf("extract %s: %w", arg, err)
	}
	if asJSON {
		return writeJSON(e.stdout, doc)
	}
	e, done := e.terminal()
	defer done()
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "charset\t%s\t\n", charset)
	for _, f := range extract.Fields() {
		if !f.Meta {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Label(), dash(f.Value(doc)), from(doc.Sources[f.Key]))
	}
	for _, a := range doc.Attachments {
		fmt.Fprintf(tw, "附件 Attachment\t%s\t%s\n", a.Name, a.URL)
	}
	for _, f := range extract.Fields() {
		if !f.Meta { // the body: its size here, its text below
			v := f.Value(doc)
			fmt.Fprintf(tw, "%s\t%d characters, %d paragraphs\t%s\n", f.Label(), len([]rune(v)), strings.Count(v, "\n")+1, from(doc.Sources[f.Key]))
		}
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\n%s\n", doc.Body)
	return nil
}

func from(src string) string {
	if src == "" {
		return ""
	}
	return "(from " + src + ")"
}

// fetchOne gets one page for extract, politely identified, size-bounded.
func fetchOne(ctx context.Context, u string) ([]byte, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("User-Agent", config.DefaultUserAgent)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", u, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("fetch %s: HTTP %d", u, res.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, config.DefaultMaxBody+1))
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", u, err)
	}
	if len(body) > config.DefaultMaxBody {
		return nil, "", fmt.Errorf("fetch %s: larger than %d bytes", u, config.DefaultMaxBody)
	}
	return body, res.Header.Get("Content-Type"), nil
}
