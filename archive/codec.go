package archive

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// codec compresses stored values with zstd. Values written by schema 1 are
// gzip streams; they are read as they are (both formats announce themselves
// in their first bytes), so the migration never rewrites a capture and the
// stored digests keep covering the same bytes.
type codec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

func newCodec() *codec {
	// Both are safe for concurrent EncodeAll/DecodeAll; no options fail.
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	dec, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<30))
	return &codec{enc: enc, dec: dec}
}

func (c *codec) compress(data []byte) []byte {
	return c.enc.EncodeAll(data, make([]byte, 0, len(data)/3+64))
}

var gzipMagic = []byte{0x1f, 0x8b}

// decompress returns a fresh slice (safe after the transaction).
func (c *codec) decompress(z []byte) ([]byte, error) {
	if bytes.HasPrefix(z, gzipMagic) {
		zr, err := gzip.NewReader(bytes.NewReader(z))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		return io.ReadAll(zr)
	}
	out, err := c.dec.DecodeAll(z, nil)
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return out, nil
}
