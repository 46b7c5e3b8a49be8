package archive

// Tests of promises the README makes about the archive, each written so that
// breaking the promise (not merely the code's layout) fails it: verify
// recomputes both digests, the outbox entry shares its event's transaction,
// and a second writer gives up on the lock within a second.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/gongkai/gongkai/extract"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "a.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// record stores one fetch of url with body in a run of its own, announcing
// it (not quiet), and ends the run.
func record(s *Store, url, body string) (Outcome, error) {
	ctx := context.Background()
	doc := extract.Document{Title: "宁海县公安局2024年法治政府建设年度报告", IndexNo: "002966124/2025-41880",
		Published: "2025-01-23", Body: body}
	r, err := s.Begin(ctx, "test", RunOptions{BatchDocs: 1})
	if err != nil {
		return Outcome{}, err
	}
	out, err := r.Record(ctx, Observation{URL: url, Doc: doc,
		Capture: Capture{URL: url, Method: http.MethodGet, Status: 200, Body: []byte("<html><body>" + body + "</body></html>"),
			FetchedAt: time.Now()}})
	if err == nil {
		err = r.Commit(ctx)
	}
	if endErr := r.End(ctx, RunStats{}, err); err == nil {
		err = endErr
	}
	return out, err
}

const promiseURL = "https://www.ninghai.gov.cn/art/2025/1/23/art_1229104585_1.html"

// twoVersions archives one document in two versions; damage is done to
// version 1, which no cross-check against the latest version (listing,
// search text) looks at, so only the digests can find it.
func twoVersions(t *testing.T) (*Store, uint64) {
	t.Helper()
	s := openTemp(t)
	if _, err := record(s, promiseURL, "全县警情同比下降14.83%。"); err != nil {
		t.Fatal(err)
	}
	out, err := record(s, promiseURL, "全县警情同比下降14.38%。")
	if err != nil || out.Version != 2 {
		t.Fatalf("second fetch: %+v %v, want version 2", out, err)
	}
	if r, err := s.Verify(context.Background()); err != nil || !r.OK() {
		t.Fatalf("verify before damage: %+v %v", r, err)
	}
	return s, out.Doc
}

func verifyProblems(t *testing.T, s *Store) string {
	t.Helper()
	r, err := s.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(r.Problems, "\n")
}

// The stored record of a version is rewritten in place through bbolt (the
// live page, not a stale copy); its stored content fingerprint no longer
// matches, and only recomputing it can tell.
func TestVerifyRecomputesContentFingerprint(t *testing.T) {
	s, id := twoVersions(t)
	err := s.db.Update(func(tx *bolt.Tx) error {
		var v Version
		if err := s.getVersion(tx, id, 1, &v); err != nil {
			return err
		}
		v.Record.Body = strings.Replace(v.Record.Body, "14.83", "11.83", 1)
		key := versionKey(id, 1)
		raw := tx.Bucket(bucketRaw)
		capture, _, err := s.codec.decompressStored(key, raw.Get(key))
		if err != nil {
			return err
		}
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return raw.Put(key, s.codec.compressCaptureRecord("test", append(capture, data...), len(capture), key))
	})
	if err != nil {
		t.Fatal(err)
	}
	got := verifyProblems(t, s)
	if !strings.Contains(got, "version 1: content digest") {
		t.Errorf("verify after a version's record changed: problems %q, want a content digest mismatch on version 1", got)
	}
}

// Version 1's raw capture is replaced, through bbolt, by another: it
// decompresses and decodes fine (same codec, same source). A capture whose
// record is stored apart (schema 1 and 2) no longer has the digest its
// record gives; one stored with its record (schema 3) brings a record and
// capture that agree, so only the key stored in the value can tell.
func TestVerifyRecomputesRawSHA256(t *testing.T) {
	for _, tc := range []struct {
		name string
		// replace returns the value put under version 1's raw key.
		replace func(s *Store, tx *bolt.Tx, id uint64) ([]byte, error)
		want    string
	}{
		{"version 2's value", func(s *Store, tx *bolt.Tx, id uint64) ([]byte, error) {
			return bytes.Clone(tx.Bucket(bucketRaw).Get(versionKey(id, 2))), nil
		}, "version 1: version 1/1: its capture: capture value: stored for doc 1 version 2"},
		{"version 2's capture, record kept", func(s *Store, tx *bolt.Tx, id uint64) ([]byte, error) {
			key := versionKey(id, 1)
			_, rec, err := s.codec.decompressStored(key, tx.Bucket(bucketRaw).Get(key))
			if err != nil {
				return nil, err
			}
			capture, _, err := s.codec.decompressStored(nil, tx.Bucket(bucketRaw).Get(versionKey(id, 2)))
			if err != nil {
				return nil, err
			}
			return s.codec.compressCaptureRecord("test", append(capture, rec...), len(capture), key), nil
		}, "version 1: raw digest"},
		{"version 2's capture, schema 1's form", func(s *Store, tx *bolt.Tx, id uint64) ([]byte, error) {
			capture, _, err := s.codec.decompressStored(nil, tx.Bucket(bucketRaw).Get(versionKey(id, 2)))
			if err != nil {
				return nil, err
			}
			key := versionKey(id, 1)
			_, rec, err := s.codec.decompressStored(key, tx.Bucket(bucketRaw).Get(key))
			if err != nil {
				return nil, err
			}
			if err := tx.Bucket(bucketVersions).Put(key, s.codec.compress(rec)); err != nil {
				return nil, err
			}
			return s.codec.compress(capture), nil
		}, "version 1: raw digest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, id := twoVersions(t)
			err := s.db.Update(func(tx *bolt.Tx) error {
				v, err := tc.replace(s, tx, id)
				if err != nil {
					return err
				}
				return tx.Bucket(bucketRaw).Put(versionKey(id, 1), v)
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := verifyProblems(t, s); !strings.Contains(got, tc.want) {
				t.Errorf("verify after a raw capture changed: problems %q, want %q", got, tc.want)
			}
		})
	}
}

// The outbox entry is written in the same transaction as the change and its
// event: when the outbox write fails, no event may remain without its
// outbox entry (a crash between two transactions would lose that alert).
// The failure is injected by occupying the outbox key the next event will
// use with a nested bucket, so bbolt refuses the Put.
func TestOutboxEntrySharesTheEventsTransaction(t *testing.T) {
	s := openTemp(t)
	if _, err := record(s, promiseURL, "第一版。"); err != nil {
		t.Fatal(err)
	}
	var poison []byte
	err := s.db.Update(func(tx *bolt.Tx) error {
		poison = u64(tx.Bucket(bucketEvents).Sequence() + 1)
		_, err := tx.Bucket(bucketOutbox).CreateBucket(poison)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, recErr := record(s, promiseURL, "第二版：改了一句。")
	if recErr == nil {
		t.Fatal("Record succeeded although its outbox entry could not be written")
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketOutbox).DeleteBucket(poison) }); err != nil {
		t.Fatal(err)
	}
	assertEventsMatchOutbox(t, s)
	d, err := s.Lookup(context.Background(), promiseURL)
	if err != nil || d.Versions != 1 {
		t.Errorf("after the failed write: doc %+v %v, want version 1 only (the change rolled back with its event)", d, err)
	}
	// The next attempt succeeds whole.
	if out, err := record(s, promiseURL, "第二版：改了一句。"); err != nil || out.Kind != EventChanged {
		t.Fatalf("retry: %+v %v", out, err)
	}
	assertEventsMatchOutbox(t, s)
}

// assertEventsMatchOutbox checks that every announced (non-baseline) event
// has an outbox entry and every outbox entry an event.
func assertEventsMatchOutbox(t *testing.T, s *Store) {
	t.Helper()
	evs, err := s.Events(context.Background(), EventQuery{})
	if err != nil {
		t.Fatal(err)
	}
	items, err := s.Outbox(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	queued := map[uint64]bool{}
	for _, it := range items {
		queued[it.Event.Seq] = true
	}
	announced := 0
	for _, ev := range evs {
		if ev.Baseline {
			continue
		}
		announced++
		if !queued[ev.Seq] {
			t.Errorf("event %d (%s) exists without its outbox entry", ev.Seq, ev.Kind)
		}
	}
	if len(items) != announced {
		t.Errorf("%d outbox entries for %d announced events", len(items), announced)
	}
}

// A second writer fails fast: Open on a held file returns ErrLocked, and the
// wait it does by default is at most the second the README promises.
func TestSecondOpenFailsWithinASecond(t *testing.T) {
	if defaultTimeout <= 0 || defaultTimeout > time.Second {
		t.Errorf("default lock wait %s, want (0, 1s]: the README promises a second writer fails within a second", defaultTimeout)
	}
	path := filepath.Join(t.TempDir(), "a.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = Open(path, Options{Timeout: 10 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Errorf("Open of a held archive: %v, want ErrLocked", err)
	}
}

// A record with invalid UTF-8 (a page whose header names the wrong
// charset) is stored so that it verifies and a second identical fetch is
// unchanged: JSON would otherwise replace the bytes on the way in and the
// stored record would no longer match its fingerprint.
func TestInvalidUTF8RecordStaysStable(t *testing.T) {
	s := openTemp(t)
	body := "全县警情\xff\xfe同比下降。"
	for i, want := range []string{EventNew, Unchanged} {
		out, err := record(s, promiseURL, body)
		if err != nil || out.Kind != want {
			t.Fatalf("fetch %d: %+v %v, want %s", i+1, out, err, want)
		}
	}
	if got := verifyProblems(t, s); got != "" {
		t.Errorf("verify of a record that had invalid UTF-8: %s", got)
	}
}
