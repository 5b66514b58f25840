package pel

import (
	"testing"

	"github.com/runnel-db/runnel/stream"
)

// newTestGroup returns a fresh group "g" in its own Groups, checked when the
// test ends.
func newTestGroup(t testing.TB) (*Groups, *Group) {
	t.Helper()
	gs := &Groups{}
	g, err := gs.Create("g", stream.ID{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := gs.Check(); err != nil {
			t.Errorf("invariants broken at the end of the test: %v", err)
		}
	})
	return gs, g
}

func id(ms uint64) stream.ID { return stream.ID{Ms: ms} }

func consumer(t testing.TB, g *Group, name string, now int64) *Consumer {
	t.Helper()
	c, _ := g.CreateConsumer(name, now)
	if c == nil {
		t.Fatalf("CreateConsumer(%q) on a live group returned nil", name)
	}
	return c
}

func deliver(t testing.TB, g *Group, c *Consumer, now int64, ms ...uint64) {
	t.Helper()
	for _, m := range ms {
		if _, _, err := g.Deliver(c, id(m), now); err != nil {
			t.Fatalf("Deliver(%s, %d): %v", c.Name(), m, err)
		}
	}
}

// pendingState is a comparable view of one record.
type pendingState struct {
	ID    stream.ID
	Owner string
	Time  int64
	Count uint64
}

func stateOf(p *Pending) pendingState {
	s := pendingState{ID: p.ID(), Time: p.DeliveryTime(), Count: p.DeliveryCount()}
	if p.Owner() != nil {
		s.Owner = p.Owner().Name()
	}
	return s
}

func states(ps []*Pending) []pendingState {
	out := []pendingState{}
	for _, p := range ps {
		out = append(out, stateOf(p))
	}
	return out
}

// allPending returns the group PEL in ID order.
func allPending(g *Group) []pendingState {
	return states(g.Range(nil, Query{Start: stream.Min, End: stream.Max}))
}

// existsFunc says whether an entry is still in the stream.
type existsFunc func(stream.ID) bool

// autoclaimResult is AutoClaimResult with IDs only, for comparisons.
type autoclaimResult struct {
	Next    stream.ID
	Claimed []stream.ID
	Deleted []stream.ID
}

// autoclaim runs Group.AutoClaim and returns IDs only.
func autoclaim(g *Group, c *Consumer, minIdle int64, start stream.ID, count int, justID bool, now int64, exists existsFunc) autoclaimResult {
	res, err := g.AutoClaim(c, start, count, minIdle, justID, now, exists)
	if err != nil {
		panic(err)
	}
	r := autoclaimResult{Next: res.Next, Deleted: res.Deleted}
	for _, p := range res.Claimed {
		if p.Owner() != c {
			panic("claimed record not owned by the claimer")
		}
		r.Claimed = append(r.Claimed, p.ID())
	}
	return r
}

// autoclaimByCursor is the same loop written from the public building
// blocks (Seek, ClaimPending, Ack), as a command layer could write it; the
// model test checks that both agree.
func autoclaimByCursor(g *Group, c *Consumer, minIdle int64, start stream.ID, count int, justID bool, now int64, exists existsFunc) autoclaimResult {
	var r autoclaimResult
	attempts := count * 10
	cur := g.Seek(start)
	for attempts > 0 && count > 0 {
		attempts--
		p, ok := cur.Next()
		if !ok {
			break
		}
		if !exists(p.ID()) {
			g.Ack(p.ID())
			r.Deleted = append(r.Deleted, p.ID())
			count--
			continue
		}
		if err := g.ClaimPending(p, c, now, ClaimOptions{MinIdle: minIdle, JustID: justID}); err != nil {
			continue
		}
		r.Claimed = append(r.Claimed, p.ID())
		count--
	}
	if p, ok := cur.Next(); ok {
		r.Next = p.ID()
	}
	return r
}
