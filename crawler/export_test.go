package crawler

import "github.com/gongkai/gongkai/archive"

// Recorder is recorder, for tests outside the package.
type Recorder = recorder

// WrapRecorder makes every run of c write through wrap(run).
func WrapRecorder(c *Crawler, wrap func(Recorder) Recorder) { c.wrapRecorder = wrap }

var _ Recorder = (*archive.Run)(nil)
