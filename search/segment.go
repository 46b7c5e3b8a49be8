package search

import (
	"github.com/blevesearch/bleve/v2/index/scorch"

	zap "github.com/gongkai/gongkai/search/internal/zapx"
)

// bleve picks the format of index segments from a process-wide registry.
// Its default, zapx v17, steps through every posting before the document
// a scored query advances to; internal/zapx is the same format with
// postings that jump to the document's chunk (see its doc.go), registered
// under upstream's type and version so that indexes written by either read
// with the other. bleve's registry is only written by init functions, so
// this one runs there too.
func init() { scorch.RegisterSegmentPlugin(&zap.ZapPlugin{}, true) }
