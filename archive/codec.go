package archive

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"
)

// codec compresses stored values with zstd, captures with their source's
// dictionary once it has one. The page chrome of a source (navigation,
// footer, scripts) repeats on every page; a dictionary trained on the
// source's first captures holds it, so each capture stores mostly its own
// text. Measured on realistic pages (unique generated text in the chrome of
// ten real government sites, each page compressed alone): gzip 18.2% of the
// raw bytes, zstd 17.7%, zstd with a per-site dictionary 8.8%. With a
// dictionary the fastest level is used: what is left to compress is the
// page's own text, where the default level gained 0.3% of the archive's
// size (crawl benchmark, 10,000 pages) for 10% more CPU per document.
//
// Values written by schema 1 are gzip streams; they are read as they are
// (both formats announce themselves in their first bytes), so the migration
// never rewrites a capture and the stored digests keep covering the same
// bytes. A frame names the dictionary it needs; dictionaries are stored in
// the archive (bucket dicts) and never deleted.
type codec struct {
	plain *zstd.Encoder

	// Encoders and decoders for values compressed against their own
	// capture (ownCapture), reset with each capture as their dictionary.
	refEncs, bigRefEncs, refDecs sync.Pool

	mu    sync.RWMutex
	dec   *zstd.Decoder
	dicts map[uint32][]byte // id → dictionary
	bySrc map[string]uint32 // source → dictionary id (0 = none could be trained)
	encs  map[uint32]*zstd.Encoder
}

// bucketDicts holds the capture dictionaries:
//
//	dicts    "d" id(4) → zstd dictionary; "s" source → id(4)
var bucketDicts = []byte("dicts")

func newCodec() *codec {
	// No option here can fail.
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	c := &codec{plain: enc, dicts: map[uint32][]byte{}, bySrc: map[string]uint32{}, encs: map[uint32]*zstd.Encoder{}}
	c.dec = c.newDecoder()
	return c
}

func (c *codec) newDecoder() *zstd.Decoder {
	var all [][]byte
	for _, d := range c.dicts {
		all = append(all, d)
	}
	dec, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<30), zstd.WithDecoderDicts(all...))
	return dec
}

// load reads the stored dictionaries.
func (c *codec) load(tx *bolt.Tx) error {
	b := tx.Bucket(bucketDicts)
	if b == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	err := b.ForEach(func(k, v []byte) error {
		switch {
		case len(k) == 5 && k[0] == 'd':
			// A damaged dictionary must not stop the archive from opening:
			// the captures that need it fail to decode, and Verify says so.
			_ = c.addLocked(binary.BigEndian.Uint32(k[1:]), append([]byte(nil), v...))
		case len(k) > 1 && k[0] == 's' && len(v) == 4:
			c.bySrc[string(k[1:])] = binary.BigEndian.Uint32(v)
		}
		return nil
	})
	c.dec = c.newDecoder()
	return err
}

func (c *codec) addLocked(id uint32, dict []byte) error {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1), zstd.WithEncoderDict(dict))
	if err != nil {
		return fmt.Errorf("dictionary %d: %w", id, err)
	}
	c.dicts[id], c.encs[id] = dict, enc
	return nil
}

func (c *codec) compress(data []byte) []byte {
	return c.plain.EncodeAll(data, make([]byte, 0, len(data)/3+64))
}

// compressCapture compresses a capture of source, with its dictionary if
// it has one.
func (c *codec) compressCapture(source string, data []byte) []byte {
	c.mu.RLock()
	enc := c.encs[c.bySrc[source]]
	c.mu.RUnlock()
	if enc == nil {
		return c.compress(data)
	}
	return enc.EncodeAll(data, make([]byte, 0, len(data)/6+64))
}

// ownCapture is the dictionary id a version record is compressed with when
// its dictionary is its own capture: the decompressed raw value under the
// same key, used as a raw zstd dictionary. The record repeats the capture's
// text (title, fields, body), which then costs a few bytes of references
// instead of a second compressed copy of the body. Trained dictionaries
// have ids from 1<<16, so the two never meet.
const ownCapture = 1

// refWindow is the window of the encoders that compress a record against
// a capture together smaller than it.
const refWindow = 256 << 10

// compressRef compresses data with ref (a decompressed capture) as its
// dictionary. The encoder looks for matches in ref[from:] only: the
// references it writes count back from ref's end, so the frame decodes
// with the whole of ref (decompressRef) all the same, and the encoder's
// reset indexes only the part of the capture the record repeats instead of
// all of its chrome (see refStart).
func (c *codec) compressRef(ref []byte, from int, data []byte) ([]byte, error) {
	// Most captures and records fit a 256 KiB window. Encoders with the
	// default window (megabytes) allocate it afresh at every reset, for
	// every record, which made the crawl's heap several times larger; they
	// are kept for the rare larger pages. A window cannot change on reset,
	// hence two pools.
	pool, window := &c.refEncs, []zstd.EOption{zstd.WithWindowSize(refWindow)}
	if len(ref)+len(data) > refWindow {
		pool, window = &c.bigRefEncs, nil
	}
	opt := zstd.WithEncoderDictRaw(ownCapture, ref[from:])
	enc, _ := pool.Get().(*zstd.Encoder)
	if enc == nil {
		var err error
		if enc, err = zstd.NewWriter(nil, append(window, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1), opt)...); err != nil {
			return nil, err
		}
	} else if err := enc.ResetWithOptions(nil, opt); err != nil {
		return nil, err
	}
	out := enc.EncodeAll(data, make([]byte, 0, len(data)/8+64))
	pool.Put(enc)
	return out, nil
}

// refMargin is how far before the body's first words refStart starts: the
// title, the metadata table and the document number usually sit there.
const refMargin = 4 << 10

// refStart is where in a capture the text a record repeats begins, as far
// as a quick look can tell: refMargin before the first words of the
// record's body, or 0 when they cannot be found (a GBK page, a body made of
// many small elements). Indexing the chrome before the body cost 20–50%
// of compressRef's time (BenchmarkCompressRef) for no match; when the
// guess is wrong the record is only compressed less well.
func refStart(capture []byte, body string) int {
	line := strings.TrimSpace(body)
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	// A probe of 8 to 24 bytes, ending at a rune boundary.
	n := min(len(line), 24)
	for n > 0 && n < len(line) && !utf8.RuneStart(line[n]) {
		n--
	}
	if n < 8 {
		return 0
	}
	i := bytes.Index(capture, []byte(line[:n]))
	if i < 0 {
		return 0
	}
	return max(0, i-refMargin)
}

// needsRef reports whether z was compressed against its own capture.
func needsRef(z []byte) bool {
	var h zstd.Header
	return !bytes.HasPrefix(z, gzipMagic) && h.Decode(z) == nil && h.DictionaryID == ownCapture
}

// decompressRef decompresses z, compressed by compressRef with ref.
func (c *codec) decompressRef(ref, z []byte) ([]byte, error) {
	opt := zstd.WithDecoderDictRaw(ownCapture, ref)
	dec, _ := c.refDecs.Get().(*zstd.Decoder)
	if dec == nil {
		var err error
		if dec, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30), opt); err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
	} else if err := dec.ResetWithOptions(nil, opt); err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	out, err := dec.DecodeAll(z, nil)
	c.refDecs.Put(dec)
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return out, nil
}

// hasDict reports whether source has a dictionary or a failed attempt at one.
func (c *codec) hasDict(source string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.bySrc[source]
	return ok
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
	c.mu.RLock()
	dec := c.dec
	c.mu.RUnlock()
	out, err := dec.DecodeAll(z, nil)
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return out, nil
}

// Dictionary training. BuildDict wants samples below zstd's block size.
const maxSample = 100 << 10

// trainDict builds a dictionary from samples; it reports an error (never
// panics) when it cannot.
func trainDict(samples [][]byte) (id uint32, dict []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("train dictionary: %v", p)
		}
	}()
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, nil, err
	}
	// IDs below 32768 are reserved by the zstd format; keep clear of them.
	id = 1<<16 + binary.BigEndian.Uint32(b[:])%(1<<30)
	for i, s := range samples {
		if len(s) > maxSample {
			samples[i] = s[:maxSample]
		}
	}
	if len(samples) < 8 {
		return 0, nil, errors.New("train dictionary: too few samples")
	}
	dict, err = zstd.BuildDict(zstd.BuildDictOptions{ID: id, Contents: samples, History: samples[0],
		Offsets: [3]int{1, 4, 8}, Level: zstd.SpeedDefault})
	if err != nil {
		return 0, nil, fmt.Errorf("train dictionary: %w", err)
	}
	return id, dict, nil
}
