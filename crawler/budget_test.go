package crawler

import (
	"testing"
	"time"
)

// The responses waiting for a processor hold at most the budget's bytes;
// a page larger than the whole budget still goes through, alone.
func TestByteBudget(t *testing.T) {
	b := newByteBudget(100)
	b.take(60)
	b.take(40) // exactly full
	taken := make(chan int64, 2)
	go func() { b.take(30); taken <- 30 }()
	select {
	case <-taken:
		t.Fatal("a take past the budget did not wait")
	case <-time.After(50 * time.Millisecond):
	}
	b.give(60) // 40 held: 30 more fit
	select {
	case <-taken:
	case <-time.After(10 * time.Second):
		t.Fatal("a take that fits waited after a give")
	}
	b.give(40)
	b.give(30)
	b.take(1000) // larger than the budget, the queue empty: goes through
	go func() { b.take(1); taken <- 1 }()
	select {
	case <-taken:
		t.Fatal("a take beside an oversize page did not wait")
	case <-time.After(50 * time.Millisecond):
	}
	b.give(1000)
	select {
	case <-taken:
	case <-time.After(10 * time.Second):
		t.Fatal("the take after the oversize page never went through")
	}
}
