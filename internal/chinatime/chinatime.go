// Package chinatime is China's time zone, declared once for every package
// that reads or shows dates of Chinese government pages.
package chinatime

import (
	"sync"
	"time"
	_ "time/tzdata" // the zone must resolve on minimal systems (a scratch image) too
)

// Name is the zone's IANA name, the default timezone of gongkai.yaml.
const Name = "Asia/Shanghai"

// Location returns Asia/Shanghai, loaded once (LoadLocation reads the zone
// database on every call). With the embedded database it cannot fail; the
// fixed +08:00 fallback would only be wrong before 1991, when China last
// had daylight saving time.
var Location = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation(Name)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
})
