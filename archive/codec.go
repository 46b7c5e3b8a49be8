package archive

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

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

	// Decoders for version records compressed against their own capture
	// (ownCapture), reset with each capture as their dictionary.
	refDecs sync.Pool

	bufs sync.Pool // *[]byte: values before compression

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
	return c.compressCaptureTo(source, data, make([]byte, 0, len(data)/6+64))
}

// compressCaptureTo appends data compressed as compressCapture does to dst.
func (c *codec) compressCaptureTo(source string, data, dst []byte) []byte {
	c.mu.RLock()
	enc := c.encs[c.bySrc[source]]
	c.mu.RUnlock()
	if enc == nil {
		return c.plain.EncodeAll(data, dst)
	}
	return enc.EncodeAll(data, dst)
}

// A capture and the record of the version it produced are stored as one
// value (schema 3): a zstd skippable frame that says how many of the
// decompressed bytes are the encoded capture and under which key the value
// belongs, then one zstd frame of the capture followed by the record's
// JSON. The record repeats the capture's text (title, fields, body), which
// then costs a few bytes of references; one frame does it with one encoder
// reset per document instead of two (schema 2 compressed the record on its
// own, against its capture: see ownCapture). The key makes a value moved
// under another key (a damaged page, a bad restore) an error rather than
// another version's consistent record and capture. zstd decoders pass over
// skippable frames, so the value is still a valid zstd stream.
//
//	magic (4, LE) | 16 (4, LE) | capture length (4, LE) | key (12) | zstd frame
const (
	recordMagic = 0x184D2A5B // one of zstd's skippable-frame magic numbers
	recordHead  = 24
)

// recordInCapture is the versions bucket's value for a record stored in
// the raw bucket after its capture under the same key.
var recordInCapture = []byte("@raw")

// compressCaptureRecord compresses capture ‖ record (captureRecord, of
// which the first captureLen bytes are the capture) as one value to be
// stored under key: the capture with the source's dictionary if it has
// one, the record after it. A key not known yet can be set later with
// setStoredKey.
func (c *codec) compressCaptureRecord(source string, captureRecord []byte, captureLen int, key []byte) []byte {
	out := c.compressCaptureTo(source, captureRecord, make([]byte, recordHead, recordHead+len(captureRecord)/6+64))
	binary.LittleEndian.PutUint32(out, recordMagic)
	binary.LittleEndian.PutUint32(out[4:], recordHead-8)
	binary.LittleEndian.PutUint32(out[8:], uint32(captureLen))
	setStoredKey(out, key)
	return out
}

// setStoredKey sets the key in a value made by compressCaptureRecord.
func setStoredKey(v, key []byte) { copy(v[12:recordHead], key) }

// storedValue is a stored capture value taken apart by splitStored.
type storedValue struct {
	frame      []byte // the compressed capture (and record)
	captureLen int    // -1: the frame holds the capture only
	key        []byte // the key the value was stored under, when it says
}

// splitStored takes apart a stored capture value.
func splitStored(v []byte) (storedValue, error) {
	if len(v) < 4 || binary.LittleEndian.Uint32(v) != recordMagic {
		return storedValue{frame: v, captureLen: -1}, nil
	}
	if len(v) < recordHead || binary.LittleEndian.Uint32(v[4:]) != recordHead-8 {
		return storedValue{}, errors.New("capture value: damaged record header")
	}
	return storedValue{frame: v[recordHead:], captureLen: int(binary.LittleEndian.Uint32(v[8:])), key: v[12:recordHead]}, nil
}

// decompressStored returns the capture the value v stored under key holds
// and the record stored after it (nil when it holds none), both fresh
// slices. A nil key skips the check that v belongs there.
func (c *codec) decompressStored(key, v []byte) (capture, record []byte, err error) {
	sv, err := splitStored(v)
	if err != nil {
		return nil, nil, err
	}
	if key != nil && sv.key != nil && !bytes.Equal(key, sv.key) {
		return nil, nil, fmt.Errorf("capture value: stored for doc %d version %d", seqOf(sv.key), binary.BigEndian.Uint32(sv.key[8:]))
	}
	data, err := c.decompressFrame(sv)
	if err != nil || sv.captureLen < 0 {
		return data, nil, err
	}
	return data[:sv.captureLen:sv.captureLen], data[sv.captureLen:], nil
}

// decompressFrame decompresses sv's frame: the capture, and the record
// after it when captureLen says where the capture ends.
func (c *codec) decompressFrame(sv storedValue) ([]byte, error) {
	data, err := c.decompress(sv.frame)
	if err == nil && sv.captureLen > len(data) {
		return nil, fmt.Errorf("capture value: capture of %d bytes in %d decompressed", sv.captureLen, len(data))
	}
	return data, err
}

// recompressStored compresses the stored capture value v again as
// compressCapture would now, keeping the record it holds.
func (c *codec) recompressStored(source string, v []byte) ([]byte, error) {
	sv, err := splitStored(v)
	if err != nil {
		return nil, err
	}
	data, err := c.decompressFrame(sv)
	switch {
	case err != nil:
		return nil, err
	case sv.captureLen < 0:
		return c.compressCapture(source, data), nil
	}
	return c.compressCaptureRecord(source, data, sv.captureLen, sv.key), nil
}

// ownCapture is the dictionary id of a version record written by schema 2:
// compressed on its own with its capture (the decompressed raw value under
// the same key) as a raw zstd dictionary. Such records are read as they
// are; schema 3 stores records in their capture's frame instead. Trained
// dictionaries have ids from 1<<16, so the two never meet.
const ownCapture = 1

// needsRef reports whether z was compressed against its own capture.
func needsRef(z []byte) bool {
	var h zstd.Header
	return !bytes.HasPrefix(z, gzipMagic) && h.Decode(z) == nil && h.DictionaryID == ownCapture
}

// decompressRef decompresses z, compressed with ref as its dictionary
// (ownCapture).
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
