// Package zap is a copy of github.com/blevesearch/zapx/v17 v17.2.5, the
// segment format bleve v2.6 writes by default, with one change in
// posting.go (gongkai.patch holds the whole diff against upstream).
//
// # Why
//
// A search ranked within a span of publication dates is a conjunction of
// the query's terms with a date range, so each term's postings iterator is
// advanced to the documents of that span. When it scores, upstream zapx
// advances by calling Next on its roaring bitmap once for every posting
// before the target, although its own chunking exists so that it need not
// (see getChunkSize in chunk.go): freq/norm data is kept in chunks of
// doc numbers and only the postings of the target's chunk must be decoded.
// In a merged index of a million documents the newest documents sat at
// doc numbers around 750,000, so every advance of every character pair
// walked about that many postings.
//
// # What changed
//
// nextDocNumAtOrAfter and nextDocNumAtOrAfterClean jump with the bitmap's
// AdvanceIfNeeded to the start of the target's chunk and step only within
// it. The file format, the returned postings, frequencies, norms and
// locations are unchanged: advance_test.go walks the same segments with
// this copy and with upstream through random Next and Advance calls, with
// and without deleted documents, and compares every step.
//
// # Keeping it
//
// package search registers this copy in bleve's segment plugin registry
// under upstream's type and version ("zap", 17), so indexes written by
// either read with the other. Files with the "vectors" build tag (faiss,
// cgo) were left out: gongkai does not index vectors. When go.mod moves
// to another zapx/v17 release, TestCopyMatchesGoMod fails: copy the new
// release's non-test, non-vector files here and apply gongkai.patch again,
// or drop this package if upstream has made the same change.
//
// The code is the Couchbase authors' under the Apache License 2.0 (LICENSE
// in this directory).
package zap
