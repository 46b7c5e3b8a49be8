package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/archive"
)

// The README promises that a second writer fails "within a second" with
// "archive in use by another gongkai process". The wait is asserted as the
// configured value, not by the clock; the behaviour by ErrLocked.
func TestSecondWriterGivesUpWithinASecond(t *testing.T) {
	for _, readOnly := range []bool{false, true} {
		if o := storeOptions(nil, readOnly); o.Timeout <= 0 || o.Timeout > time.Second {
			t.Errorf("storeOptions(readOnly=%v).Timeout = %s, want (0, 1s]", readOnly, o.Timeout)
		}
	}
	db := filepath.Join(t.TempDir(), "gongkai.db")
	st, err := openStore(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = openStore(db, nil)
	if !errors.Is(err, archive.ErrLocked) {
		t.Fatalf("second openStore: %v, want ErrLocked", err)
	}
	if want := "archive in use by another gongkai process"; !strings.Contains(err.Error(), want) {
		t.Errorf("second openStore: %q, want it to say %q", err, want)
	}
}
