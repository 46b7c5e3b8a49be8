package archive

// SetHook lets tests fail a change between two of its writes.
func SetHook(s *Store, fn func(step string) error) { s.hook = fn }
