package main

import (
	"embed"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode/utf8"
)

// The seed reports the scale benchmark's text model is trained on: real
// disclosure reports, so generated text has their character statistics.
//
//go:embed testdata/seeds/*.txt
var seedFS embed.FS

// model is an order-2 character model: for every pair of characters in the
// seeds, the characters that followed it and how often. Text sampled from
// it is unique per seed yet has the seeds' character and bigram statistics,
// so it compresses and indexes like real notices — unlike reused
// paragraphs, which compress unrealistically well across documents.
type model struct {
	next   map[[2]rune]*choices
	starts [][2]rune // pairs that begin a paragraph
}

type choices struct {
	runes []rune
	cum   []uint32 // cumulative counts
}

func (c *choices) pick(r *rand.Rand) rune {
	n := r.Uint32N(c.cum[len(c.cum)-1])
	return c.runes[sort.Search(len(c.cum), func(i int) bool { return c.cum[i] > n })]
}

// trainModel reads the seeds' paragraphs (lines of 20 characters or more:
// the shorter ones are metadata and page chrome).
func trainModel() *model {
	counts := map[[2]rune]map[rune]uint32{}
	m := &model{next: map[[2]rune]*choices{}}
	entries, _ := seedFS.ReadDir("testdata/seeds")
	for _, e := range entries {
		data, _ := seedFS.ReadFile("testdata/seeds/" + e.Name())
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if utf8.RuneCountInString(line) < 20 {
				continue
			}
			rs := []rune(line + "\n")
			m.starts = append(m.starts, [2]rune{rs[0], rs[1]})
			for i := 2; i < len(rs); i++ {
				k := [2]rune{rs[i-2], rs[i-1]}
				if counts[k] == nil {
					counts[k] = map[rune]uint32{}
				}
				counts[k][rs[i]]++
			}
		}
	}
	for k, next := range counts {
		c := &choices{}
		for r := range next {
			c.runes = append(c.runes, r)
		}
		sort.Slice(c.runes, func(i, j int) bool { return c.runes[i] < c.runes[j] })
		var sum uint32
		for _, r := range c.runes {
			sum += next[r]
			c.cum = append(c.cum, sum)
		}
		m.next[k] = c
	}
	return m
}

// text samples about n characters in paragraphs.
func (m *model) text(r *rand.Rand, n int) string {
	var b strings.Builder
	b.Grow(n * 3)
	for count := 0; count < n; {
		k := m.starts[r.IntN(len(m.starts))]
		b.WriteRune(k[0])
		b.WriteRune(k[1])
		count += 2
		for count < n {
			c := m.next[k]
			if c == nil {
				break
			}
			x := c.pick(r)
			b.WriteRune(x)
			count++
			if x == '\n' {
				break
			}
			k = [2]rune{k[1], x}
		}
		if !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("。\n")
		}
	}
	return strings.TrimSpace(b.String())
}

// line samples one run of characters without punctuation or line breaks,
// for titles.
func (m *model) line(r *rand.Rand, n int) string {
	rs := []rune(m.text(r, n*3))
	var out []rune
	for _, x := range rs {
		if len(out) >= n {
			break
		}
		if x >= 0x4e00 && x <= 0x9fff {
			out = append(out, x)
		}
	}
	return string(out)
}
