package mapped

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestReleaseUnmapsFilePages maps a file, reads all of it, and checks that
// Release takes its pages out of the resident set and that the data reads
// the same afterwards.
func TestReleaseUnmapsFilePages(t *testing.T) {
	const size = 32 << 20
	path := filepath.Join(t.TempDir(), "data")
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i / 4096)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	sum := func() (s int) {
		for i := 0; i < size; i += 4096 {
			s += int(m[i])
		}
		return s
	}
	want := sum()
	before, ok := ResidentFile()
	if !ok {
		t.Skip("no /proc/self/statm")
	}
	if err := Release(m); err != nil {
		t.Fatal(err)
	}
	after, _ := ResidentFile()
	if before-after < size/2 {
		t.Errorf("resident file memory %d → %d MB after releasing a %d MB mapping read whole", before>>20, after>>20, size>>20)
	}
	if got := sum(); got != want {
		t.Errorf("data after release sums to %d, want %d", got, want)
	}
	if err := ReleaseAt(uintptr(0), 0); err != nil {
		t.Errorf("ReleaseAt of nothing: %v", err)
	}
}
