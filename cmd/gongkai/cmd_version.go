package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func cmdVersion(ctx context.Context, e *env, args []string) error {
	fs := e.flags("version", "", "Print the version, the source revision it was built from and the Go version.", nil)
	if err := parse(fs, args); err != nil {
		return err
	}
	info, _ := debug.ReadBuildInfo()
	printVersion(e.stdout, info)
	return nil
}

// printVersion writes the module version and the VCS stamp Go put in the
// binary (revision, commit time, whether the tree had uncommitted changes).
// A binary built without them (go run, -buildvcs=false) says so.
func printVersion(w io.Writer, info *debug.BuildInfo) {
	version, settings := "(unknown)", map[string]string{}
	if info != nil {
		if v := info.Main.Version; v != "" {
			version = v
		}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
	}
	fmt.Fprintf(w, "gongkai %s\n", version)
	if rev := settings["vcs.revision"]; rev != "" {
		fmt.Fprintf(w, "revision %s", rev)
		if at := settings["vcs.time"]; at != "" {
			fmt.Fprintf(w, " (%s)", at)
		}
		if settings["vcs.modified"] == "true" {
			fmt.Fprint(w, ", modified")
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintln(w, "revision unknown (built without VCS information)")
	}
	fmt.Fprintf(w, "%s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
