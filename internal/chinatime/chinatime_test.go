package chinatime

import (
	"testing"
	"time"
)

func TestLocation(t *testing.T) {
	loc := Location()
	if loc.String() != Name || Location() != loc {
		t.Fatalf("Location() = %v, want %s, the same value every call", loc, Name)
	}
	// 1988 had daylight saving time in China; a fixed +08:00 zone gets it wrong.
	if _, off := time.Date(1988, 7, 1, 12, 0, 0, 0, loc).Zone(); off != 9*3600 {
		t.Errorf("offset on 1988-07-01 = %d s, want +09:00 (China's summer time then)", off)
	}
	if _, off := time.Date(2025, 7, 1, 12, 0, 0, 0, loc).Zone(); off != 8*3600 {
		t.Errorf("offset on 2025-07-01 = %d s, want +08:00", off)
	}
}
