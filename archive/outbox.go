package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Outbox returns up to limit events still owed to some target, oldest first,
// with the targets each was already delivered to.
func (s *Store) Outbox(ctx context.Context, limit int) ([]OutboxItem, error) {
	var out []OutboxItem
	err := s.db.View(func(tx *bolt.Tx) error {
		events := tx.Bucket(bucketEvents)
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if err := ctxErr(ctx); err != nil {
				return err
			}
			item := OutboxItem{Delivered: map[string]time.Time{}}
			if err := json.Unmarshal(v, &item.Delivered); err != nil {
				return fmt.Errorf("outbox %d: %w", seqOf(k), err)
			}
			if err := getJSON(events, k, &item.Event); err != nil {
				return fmt.Errorf("outbox event %d: %w", seqOf(k), err)
			}
			out = append(out, item)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// MarkDelivered records that target received event seq, so it is never sent
// to that target again.
func (s *Store) MarkDelivered(ctx context.Context, seq uint64, target string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		delivered := map[string]time.Time{}
		if err := getJSON(b, u64(seq), &delivered); err != nil {
			return err
		}
		delivered[target] = s.now().UTC()
		return putJSON(b, u64(seq), delivered)
	})
	if err != nil {
		return fmt.Errorf("mark event %d delivered to %s: %w", seq, target, err)
	}
	return nil
}

// Ack removes event seq from the outbox; it stays in the event log.
func (s *Store) Ack(ctx context.Context, seq uint64) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketOutbox).Delete(u64(seq)) })
	if err != nil {
		return fmt.Errorf("ack event %d: %w", seq, err)
	}
	return nil
}

// OutboxLen is how many events still wait for delivery to some target.
func (s *Store) OutboxLen(ctx context.Context) (int, error) {
	if err := ctxErr(ctx); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketOutbox).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("outbox length: %w", err)
	}
	return n, nil
}
