//go:build !linux

package mapped

// Release does nothing here: the resident set is left to the kernel.
func Release(b []byte) error { return nil }

// ReleaseAt does nothing here.
func ReleaseAt(addr uintptr, size int) error { return nil }

// ResidentFile is unknown here.
func ResidentFile() (int64, bool) { return 0, false }
