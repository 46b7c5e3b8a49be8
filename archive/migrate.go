package archive

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A migration changes an archive's stored format one named step at a time.
// Check says whether an archive needs it, so a migration interrupted halfway
// resumes where it stopped; Apply runs in one write transaction.
type migration interface {
	Name() string
	Check(tx *bolt.Tx) (bool, error)
	Apply(tx *bolt.Tx) error
}

// migrations is every migration, in the order they apply. A new stored
// format is one more type here, with schemaVersion bumped, unless the new
// release reads the old values as they are: schema 1's gzip values, schema
// 2's records compressed against their captures (codec.go, ownCapture) and
// schema 3's records stored in their captures' frames (recordInCapture)
// are all read as they are and never rewritten. Such a change still bumps
// schemaVersion, so that an older release refuses the archive instead of
// misreading the new values.
var migrations = []migration{
	buildCrawlState{},
	listIndex{},
	dropText{},
}

// migrate copies the archive to a backup next to it, then applies every
// migration the archive needs and records the new schema. When none is
// needed it only records the new schema: no backup of an archive that
// nothing rewrites (it can be gigabytes, and the disk full).
func (s *Store) migrate(from int) error {
	var needed bool
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, m := range migrations {
			need, err := m.Check(tx)
			if err != nil {
				return fmt.Errorf("migration %s: %w", m.Name(), err)
			}
			needed = needed || need
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !needed {
		s.log.Info("archive schema raised; no stored value needs rewriting", "schema", from, "to", schemaVersion)
		return s.setSchema()
	}
	backup := fmt.Sprintf("%s.v%d-backup-%s", s.path, from, s.now().UTC().Format("20060102T150405Z"))
	if err := s.db.View(func(tx *bolt.Tx) error { return tx.CopyFile(backup, 0o600) }); err != nil {
		return fmt.Errorf("back up before migrating: %w", err)
	}
	s.log.Info("archive backed up before migration", "backup", backup, "schema", from, "to", schemaVersion)
	for _, m := range migrations {
		err := s.db.Update(func(tx *bolt.Tx) error {
			need, err := m.Check(tx)
			if err != nil || !need {
				return err
			}
			start := time.Now()
			if err := m.Apply(tx); err != nil {
				return err
			}
			s.log.Info("archive migrated", "migration", m.Name(), "duration", time.Since(start))
			return tx.Bucket(bucketMeta).Put([]byte("migration:"+m.Name()), []byte(s.now().UTC().Format(time.RFC3339)))
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w (the archive before migrating is %s)", m.Name(), err, backup)
		}
	}
	return s.setSchema()
}

// setSchema creates the buckets the current schema has and records it.
func (s *Store) setSchema() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put([]byte("schema"), []byte(strconv.Itoa(schemaVersion)))
	})
}

// crawlState builds the crawl bucket for archives written before it existed.
type buildCrawlState struct{}

func (buildCrawlState) Name() string { return "crawl-state" }

func (buildCrawlState) Check(tx *bolt.Tx) (bool, error) {
	return tx.Bucket(bucketDocs) != nil && tx.Bucket(bucketCrawl) == nil, nil
}

func (buildCrawlState) Apply(tx *bolt.Tx) error {
	if _, err := tx.CreateBucket(bucketCrawl); err != nil {
		return err
	}
	return fillCrawlState(tx)
}

// listIndex builds the list index, the counters and the change log from the
// document records (schema 2).
type listIndex struct{}

func (listIndex) Name() string { return "list-index" }

func (listIndex) Check(tx *bolt.Tx) (bool, error) { return tx.Bucket(bucketList) == nil, nil }

func (listIndex) Apply(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketList, bucketCounts, bucketChanges, bucketReext} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	var docs []Doc
	if err := tx.Bucket(bucketDocs).ForEach(func(k, v []byte) error {
		d, err := loadDoc(tx, k, v)
		if err != nil {
			return err
		}
		docs = append(docs, d)
		return nil
	}); err != nil {
		return err
	}
	for _, d := range docs {
		if err := saveDoc(tx, Doc{}, d, true); err != nil {
			return fmt.Errorf("doc %d: %w", d.ID, err)
		}
	}
	// Schema 1 kept the counters on the source records, never filled.
	b := tx.Bucket(bucketSources)
	return b.ForEach(func(k, v []byte) error {
		var st SourceState
		if err := json.Unmarshal(v, &st); err != nil {
			return fmt.Errorf("source %s: %w", k, err)
		}
		st.Docs, st.Withdrawn = 0, 0
		return putJSON(b, k, st)
	})
}

// dropText deletes schema 1's uncompressed search text (90% of a realistic
// archive's file); search is served by a derived index now.
type dropText struct{}

func (dropText) Name() string { return "drop-text" }

func (dropText) Check(tx *bolt.Tx) (bool, error) { return tx.Bucket([]byte("text")) != nil, nil }

func (dropText) Apply(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("text")) }
