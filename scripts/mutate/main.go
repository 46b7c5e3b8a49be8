// Command mutate is the project's mutation-testing habit: it breaks, one at
// a time, behaviours the README promises in archive/, crawler/ and notify/,
// runs the tests that should notice, and prints which mutants the tests
// killed and which survived, with the mutation score.
//
//	go run ./scripts/mutate            # every mutant (a few minutes)
//	go run ./scripts/mutate -run 410   # mutants whose name matches 410
//	go run ./scripts/mutate -list      # list the mutants
//	go run ./scripts/mutate -check     # which mutants no longer apply
//
// It works on a copy of the module in a temporary directory, so the working
// tree is never left mutated. A mutant whose text no longer occurs exactly
// once in its file is reported as stale: update the list with the code.
// Survivors that are accepted on purpose are marked with the reason.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// mutant replaces Old by New in File; Pkgs are the tests that must fail.
// Alt holds other {Old, New} pairs for the same break in other shapes of
// the code (before and after a refactoring); the first that applies wins.
type mutant struct {
	Name   string
	File   string
	Old    string
	New    string
	Alt    [][2]string
	Pkgs   []string
	Accept string // why a survivor is acceptable; "" = it must be killed
}

// apply returns data with the mutant applied, or false when none of its
// texts occurs exactly once.
func (m mutant) apply(data []byte) ([]byte, bool) {
	for _, p := range append([][2]string{{m.Old, m.New}}, m.Alt...) {
		if bytes.Count(data, []byte(p[0])) == 1 {
			return bytes.Replace(data, []byte(p[0]), []byte(p[1]), 1), true
		}
	}
	return nil, false
}

var (
	archivePkgs = []string{"./archive/...", "./export/...", "./notify/..."}
	crawlerPkgs = []string{"./crawler/..."}
	notifyPkgs  = []string{"./notify/..."}
)

// mutants is the list: each breaks one promise of the README or an issue.
var mutants = []mutant{
	// archive: integrity and the outbox
	{Name: "verify skips content fingerprints", File: "archive/integrity.go",
		Old: "if got := Fingerprint(v.Record); got != v.SHA256 {", New: "if got := Fingerprint(v.Record); false && got != v.SHA256 {", Pkgs: archivePkgs,
		Alt: [][2]string{{"if got, err := FingerprintWith(v.Scheme, v.Record); err != nil || got != v.SHA256 {", "if got, err := FingerprintWith(v.Scheme, v.Record); false && (err != nil || got != v.SHA256) {"}}},
	{Name: "verify skips raw SHA-256", File: "archive/integrity.go",
		Old: "if got := hex.EncodeToString(sum[:]); got != v.RawSHA256 {", New: "if got := hex.EncodeToString(sum[:]); false && got != v.RawSHA256 {", Pkgs: archivePkgs},
	{Name: "announced events skip the outbox", File: "archive/record.go",
		Old: "return tx.Bucket(bucketOutbox).Put(u64(seq), []byte(\"{}\"))", New: "return nil", Pkgs: archivePkgs},
	{Name: "baseline events enter the outbox", File: "archive/record.go",
		Old: "\tif quiet {\n\t\treturn nil\n\t}\n\treturn tx.Bucket(bucketOutbox)", New: "\treturn tx.Bucket(bucketOutbox)", Pkgs: archivePkgs,
		Alt: [][2]string{{"\tif quiet {\n\t\treturn nil\n\t}\n\tif err := s.step(\"outbox\")", "\tif err := s.step(\"outbox\")"}}},
	{Name: "lock wait 4s", File: "archive/store.go",
		Old: "defaultTimeout = time.Second", New: "defaultTimeout = 4 * time.Second", Pkgs: archivePkgs},
	{Name: "every fetch is a new version", File: "archive/record.go",
		Old: "case found && lastFP == fp:", New: "case found && lastFP == fp && false:", Pkgs: archivePkgs,
		Alt: [][2]string{{"\t\tif prevFP == fp {\n\t\t\tp.same = true", "\t\tif false {\n\t\t\tp.same = true"}}},
	{Name: "withdrawn document never restored", File: "archive/record.go",
		Old: "if d.Status == StatusWithdrawn {\n\t\t\td.Status, d.WithdrawnAt, d.WithdrawnReason = StatusLive, time.Time{}, \"\"\n\t\t\tout.Restored = true",
		New: "if false {\n\t\t\td.Status, d.WithdrawnAt, d.WithdrawnReason = StatusLive, time.Time{}, \"\"\n\t\t\tout.Restored = true", Pkgs: archivePkgs,
		Alt: [][2]string{{"if d.Status == StatusWithdrawn {\n\t\td.Status, d.WithdrawnAt, d.WithdrawnReason = StatusLive, time.Time{}, \"\"\n\t\tout.Restored = true",
			"if false {\n\t\td.Status, d.WithdrawnAt, d.WithdrawnReason = StatusLive, time.Time{}, \"\"\n\t\tout.Restored = true"}}},
	{Name: "moved page becomes a new document", File: "archive/record.go",
		Old: "if prev.ID != 0 && normSpace(prev.Title) == normSpace(rec.Title) {", New: "if false && prev.ID != 0 {", Pkgs: archivePkgs,
		Alt: [][2]string{{"if normSpace(prev.Title) != normSpace(rec.Title) {", "if true {"}}},
	{Name: "invalid UTF-8 stored as is", File: "archive/record.go",
		Old: "rec := validUTF8(o.Doc)", New: "rec := o.Doc", Pkgs: archivePkgs},
	{Name: "fingerprint keeps white space", File: "archive/fingerprint.go",
		Old: "func normSpace(s string) string { return strings.Join(strings.Fields(s), \" \") }", New: "func normSpace(s string) string { return s }", Pkgs: archivePkgs},
	{Name: "canonical URL keeps the fragment", File: "archive/canon.go",
		Old: "\tu.Fragment = \"\"\n\tu.RawFragment = \"\"\n", New: "", Pkgs: archivePkgs},
	{Name: "default ports kept in canonical URLs", File: "archive/canon.go",
		Old: "if (u.Scheme == \"http\" && port == \"80\") || (u.Scheme == \"https\" && port == \"443\") {", New: "if false {", Pkgs: archivePkgs},

	// crawler: politeness, conditional fetches, withdrawals
	{Name: "no conditional headers", File: "crawler/crawler.go",
		Old: "hdr.Set(\"If-None-Match\", j.known.ETag)", New: "_ = j.known.ETag", Pkgs: crawlerPkgs},
	{Name: "no If-Modified-Since", File: "crawler/crawler.go",
		Old: "hdr.Set(\"If-Modified-Since\", j.known.LastModified)", New: "_ = j.known.LastModified", Pkgs: crawlerPkgs},
	{Name: "410 does not withdraw", File: "crawler/crawler.go",
		Old: "res.status == http.StatusNotFound || res.status == http.StatusGone:", New: "res.status == http.StatusNotFound:", Pkgs: crawlerPkgs},
	{Name: "404 does not withdraw", File: "crawler/crawler.go",
		Old: "res.status == http.StatusNotFound || res.status == http.StatusGone:", New: "res.status == http.StatusGone:", Pkgs: crawlerPkgs},
	{Name: "robots.txt ignored", File: "crawler/crawler.go",
		Old: "if r.src.Robots {", New: "if false {", Pkgs: crawlerPkgs},
	{Name: "no retries", File: "crawler/crawler.go",
		Old: "retries: max(r.src.Retries, 1)", New: "retries: 1", Pkgs: crawlerPkgs},
	{Name: "first crawl alerts", File: "crawler/crawler.go",
		Old: "r.quiet = !st.Baselined && !r.src.AlertOnBaseline", New: "r.quiet = false", Pkgs: crawlerPkgs},
	{Name: "oversized page archived truncated", File: "crawler/fetch.go",
		Old: "if res.err == nil && f.maxBody > 0 && int64(len(res.body)) > f.maxBody {", New: "if false {", Pkgs: crawlerPkgs},
	{Name: "soft 404 pages archived", File: "crawler/crawler.go",
		Old: "return len([]rune(d.Body)) < 300 && softNotFound.MatchString(text)", New: "return false && softNotFound.MatchString(text)", Pkgs: crawlerPkgs},
	{Name: "no delay between requests", File: "crawler/crawler.go",
		Old: "own := Politeness{Delay: r.src.Delay, Parallel: r.src.Parallel}", New: "own := Politeness{Delay: 0, Parallel: r.src.Parallel}", Pkgs: crawlerPkgs,
		Alt: [][2]string{{"Delay: r.src.Delay, RandomDelay: r.src.Delay / 2}", "Delay: 0, RandomDelay: 0}"}}},

	// notify: filters, signatures, exactly-once delivery
	{Name: "match filter ignored", File: "notify/target.go",
		Old: "if t.match != nil && !t.match.MatchString(e.Title) {", New: "if false {", Pkgs: notifyPkgs},
	{Name: "exclude filter ignored", File: "notify/target.go",
		Old: "if t.exclude != nil && t.exclude.MatchString(e.Title) {", New: "if false {", Pkgs: notifyPkgs},
	{Name: "source filter ignored", File: "notify/target.go",
		Old: "if t.sources != nil && !t.sources[e.Source] {", New: "if false {", Pkgs: notifyPkgs},
	{Name: "event kind filter ignored", File: "notify/target.go",
		Old: "if t.kinds != nil && !t.kinds[e.Kind] {", New: "if false {", Pkgs: notifyPkgs},
	{Name: "webhook signature wrong", File: "notify/send.go",
		Old: "m := hmac.New(sha256.New, []byte(secret))", New: "m := hmac.New(sha256.New, []byte(\"\"))", Pkgs: notifyPkgs},
	{Name: "delivery not recorded", File: "notify/notify.go",
		Old: "\t\tif err := n.box.MarkDelivered(keep, seq, t.key); err != nil {\n\t\t\treturn err\n\t\t}\n", New: "\t\t_ = keep\n", Pkgs: notifyPkgs},
	{Name: "events never expire", File: "notify/notify.go",
		Old: "!e.FetchedAt.IsZero() && age > n.opts.MaxAge {", New: "false && age > n.opts.MaxAge {", Pkgs: notifyPkgs},
}

func main() {
	run := flag.String("run", "", "only mutants whose name matches this regular expression")
	list := flag.Bool("list", false, "list the mutants and exit")
	all := flag.Bool("all", false, "run go test ./... for every mutant instead of its packages")
	check := flag.Bool("check", false, "only report stale mutants (text not found once), run no tests")
	flag.Parse()
	if *check {
		if err := checkStale(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "mutate:", err)
			os.Exit(1)
		}
		return
	}
	if *list {
		for _, m := range mutants {
			fmt.Printf("%-40s %s\n", m.Name, m.File)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := mutate(ctx, os.Stdout, *run, *all); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(1)
	}
}

// checkStale reports the mutants whose text no longer occurs exactly once.
func checkStale(out io.Writer) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	stale := 0
	for _, m := range mutants {
		data, err := os.ReadFile(filepath.Join(root, m.File))
		if err != nil {
			return err
		}
		if _, ok := m.apply(data); !ok {
			stale++
			fmt.Fprintf(out, "STALE  %-40s %s: no text of the mutant occurs exactly once\n", m.Name, m.File)
		}
	}
	if stale > 0 {
		return fmt.Errorf("%d of %d mutants stale", stale, len(mutants))
	}
	fmt.Fprintf(out, "all %d mutants apply\n", len(mutants))
	return nil
}

func mutate(ctx context.Context, out io.Writer, only string, all bool) error {
	pick, err := regexp.Compile(only)
	if err != nil {
		return fmt.Errorf("-run: %w", err)
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "gongkai-mutate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := copyTree(root, tmp); err != nil {
		return fmt.Errorf("copy module: %w", err)
	}
	var killed, survived, accepted, stale int
	var survivors []string
	for _, m := range mutants {
		if !pick.MatchString(m.Name) {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		path := filepath.Join(tmp, m.File)
		orig, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		mutated, ok := m.apply(orig)
		if !ok {
			stale++
			fmt.Fprintf(out, "STALE     %-40s %s: no text of the mutant occurs exactly once; update it\n", m.Name, m.File)
			continue
		}
		if err := os.WriteFile(path, mutated, 0o644); err != nil {
			return err
		}
		pkgs := m.Pkgs
		if all {
			pkgs = []string{"./..."}
		}
		start := time.Now()
		verdict, detail := test(ctx, tmp, pkgs)
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			return err
		}
		took := time.Since(start).Round(time.Second)
		switch {
		case verdict == "killed":
			killed++
			fmt.Fprintf(out, "killed    %-40s %s (%s)\n", m.Name, detail, took)
		case verdict == "invalid":
			stale++
			fmt.Fprintf(out, "INVALID   %-40s does not build: %s\n", m.Name, detail)
		case m.Accept != "":
			accepted++
			fmt.Fprintf(out, "survived  %-40s accepted: %s\n", m.Name, m.Accept)
		default:
			survived++
			survivors = append(survivors, m.Name)
			fmt.Fprintf(out, "SURVIVED  %-40s no test in %s failed\n", m.Name, strings.Join(pkgs, " "))
		}
	}
	total := killed + survived + accepted
	if total == 0 {
		return errors.New("no mutant ran")
	}
	fmt.Fprintf(out, "\nmutation score: %d of %d killed (%.0f%%); %d accepted survivor(s), %d unexpected, %d stale\n",
		killed, total, 100*float64(killed)/float64(total), accepted, survived, stale)
	if survived > 0 || stale > 0 {
		return fmt.Errorf("%d unexpected survivor(s) %v, %d stale mutant(s)", survived, survivors, stale)
	}
	return nil
}

// test runs the packages' tests on the mutated copy: "killed" when a test
// failed, "survived" when all passed, "invalid" when the mutant does not
// compile (a mutant the compiler rejects says nothing about the tests).
func test(ctx context.Context, dir string, pkgs []string) (verdict, detail string) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-count=1", "-failfast"}, pkgs...)...)
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	if err == nil {
		return "survived", ""
	}
	if bytes.Contains(b, []byte("[build failed]")) || bytes.Contains(b, []byte("[setup failed]")) {
		return "invalid", firstLine(string(b))
	}
	var failed []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "--- FAIL: ") {
			failed = append(failed, strings.Fields(strings.TrimPrefix(line, "--- FAIL: "))[0])
		}
	}
	if len(failed) == 0 {
		return "killed", firstLine(string(b))
	}
	return "killed", "by " + strings.Join(failed, ", ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func moduleRoot() (string, error) {
	b, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(b))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the gongkai module")
	}
	return filepath.Dir(mod), nil
}

// copyTree copies the module's source (no .git, no node_modules) to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
