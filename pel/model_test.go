package pel

import (
	"errors"
	"flag"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/runnel-db/runnel/stream"
)

var modelSeed = flag.Uint64("pel.seed", 0, "seed for TestModel (0: random)")

// The reference model: plain maps, sorted on demand, and Redis's rules
// written out again in the most direct way.
type modelRec struct {
	owner string
	time  int64
	count uint64
}

type modelConsumer struct {
	seen, active int64
}

type model struct {
	consumers map[string]*modelConsumer
	pel       map[stream.ID]*modelRec
}

func (m *model) sortedIDs(owner string) []stream.ID {
	var out []stream.ID
	for id, r := range m.pel {
		if owner == "" || r.owner == owner {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, stream.ID.Compare)
	return out
}

func (m *model) states(ids []stream.ID) []pendingState {
	out := []pendingState{}
	for _, id := range ids {
		r := m.pel[id]
		out = append(out, pendingState{id, r.owner, r.time, r.count})
	}
	return out
}

// claimIdle is XREADGROUP ... CLAIM: the records idle at least minIdle,
// by delivery time then ID, up to count (0: all) live ones, the deleted
// ones met on the way dropped; each claimed to to at now.
func (m *model) claimIdle(to string, minIdle int64, count int, now int64, exists func(stream.ID) bool) ([]claimedView, []stream.ID) {
	ids := m.sortedIDs("")
	slices.SortStableFunc(ids, func(a, b stream.ID) int {
		ta, tb := m.pel[a].time, m.pel[b].time
		switch {
		case ta < tb:
			return -1
		case ta > tb:
			return 1
		}
		return 0
	})
	claimed := []claimedView{}
	var deleted []stream.ID
	for _, id := range ids {
		r := m.pel[id]
		if count > 0 && len(claimed) == count {
			break
		}
		if minIdle > 0 && now-r.time < minIdle {
			break
		}
		if !exists(id) {
			deleted = append(deleted, id)
			delete(m.pel, id)
			continue
		}
		claimed = append(claimed, claimedView{id, max(now-r.time, 0), r.count})
		r.owner, r.time = to, now
		r.count++
	}
	if len(claimed) > 0 {
		m.consumers[to].active = now
	}
	return claimed, deleted
}

func (m *model) claim(id stream.ID, to string, now int64, o ClaimOptions) error {
	r, ok := m.pel[id]
	if !ok && !o.Force {
		return ErrNotPending
	}
	if ok && o.MinIdle > 0 && now-r.time < o.MinIdle {
		return ErrTooRecent
	}
	if !ok {
		r = &modelRec{count: 1}
		m.pel[id] = r
	}
	r.owner, r.time = to, now
	if o.SetTime && o.Time >= 0 && o.Time <= now {
		r.time = o.Time
	}
	if o.SetRetryCount {
		r.count = o.RetryCount
	} else if !o.JustID {
		r.count++
	}
	m.consumers[to].active = now
	return nil
}

// The model's consumer names; "~" names are never "" because the model
// uses "" for "every owner".
var modelNames = []string{"a", "b", "bb", "c", "d\x00", "~z"}

func TestModel(t *testing.T) {
	seed := *modelSeed
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Logf("seed %d (rerun with -pel.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 42))

	gs, g := newTestGroup(t)
	m := &model{consumers: map[string]*modelConsumer{}, pel: map[stream.ID]*modelRec{}}
	handles := map[string]*Consumer{} // may hold deleted consumers
	now := int64(1000)
	randID := func() stream.ID { return stream.ID{Ms: rng.Uint64N(120), Seq: rng.Uint64N(2)} }
	randName := func() string { return modelNames[rng.IntN(len(modelNames))] }
	exists := func(x stream.ID) bool { return x.Ms%7 != 3 } // "deleted from the stream"
	const steps = 30000
	counts := map[string]int{}
	for step := 0; step < steps; step++ {
		now += int64(rng.IntN(40))
		if rng.IntN(20) == 0 {
			now -= int64(rng.IntN(100)) // clocks may step back; nothing may break
		}
		op := rng.IntN(100)
		n := randName()
		switch {
		case op < 8: // XGROUP CREATECONSUMER / implicit creation
			c, created := g.CreateConsumer(n, now)
			_, had := m.consumers[n]
			if created == had {
				t.Fatalf("step %d: CreateConsumer(%q) created=%v, model had=%v", step, n, created, had)
			}
			if !had {
				m.consumers[n] = &modelConsumer{seen: now, active: NeverActive}
			}
			handles[n] = c
			counts["create"]++
		case op < 11: // XGROUP DELCONSUMER
			var dropped []stream.ID
			got, found := g.DeleteConsumer(n, func(p *Pending) { dropped = append(dropped, p.ID()) })
			want := m.sortedIDs(n)
			_, had := m.consumers[n]
			if found != had || got != len(want) || !slices.Equal(dropped, want) {
				t.Fatalf("step %d: DeleteConsumer(%q) = %d,%v dropped %v; model %v,%v", step, n, got, found, dropped, want, had)
			}
			for _, x := range want {
				delete(m.pel, x)
			}
			delete(m.consumers, n)
			counts["delete"]++
		case op < 40: // XREADGROUP '>'
			x := randID()
			c := handles[n]
			_, _, err := g.Deliver(c, x, now)
			if _, live := m.consumers[n]; !live {
				if !errors.Is(err, ErrNotMember) {
					t.Fatalf("step %d: Deliver to missing consumer %q = %v", step, n, err)
				}
				counts["deliver-refused"]++
				break
			}
			if err != nil {
				t.Fatalf("step %d: Deliver: %v", step, err)
			}
			m.pel[x] = &modelRec{owner: n, time: now, count: 1}
			m.consumers[n].active = now
			counts["deliver"]++
		case op < 55: // XACK
			x := randID()
			_, want := m.pel[x]
			if got := g.Ack(x); got != want {
				t.Fatalf("step %d: Ack(%v) = %v, model %v", step, x, got, want)
			}
			delete(m.pel, x)
			counts["ack"]++
		case op < 70: // XCLAIM
			x := randID()
			o := ClaimOptions{JustID: rng.IntN(3) == 0, Force: rng.IntN(4) == 0}
			switch rng.IntN(3) {
			case 0:
				o.MinIdle = int64(rng.IntN(400))
			case 1:
				o.MinIdle = -int64(rng.IntN(10))
			}
			if rng.IntN(3) == 0 {
				o.SetTime, o.Time = true, now-int64(rng.IntN(600))+100
			}
			if rng.IntN(4) == 0 {
				o.SetRetryCount, o.RetryCount = true, uint64(rng.IntN(5))
			}
			c := handles[n]
			p, err := g.Claim(x, c, now, o)
			if _, live := m.consumers[n]; !live {
				if !errors.Is(err, ErrNotMember) {
					t.Fatalf("step %d: Claim by missing consumer = %v", step, err)
				}
				break
			}
			if want := m.claim(x, n, now, o); !errors.Is(err, want) {
				t.Fatalf("step %d: Claim(%v, %q, %+v) = %v, model %v", step, x, n, o, err, want)
			}
			if err == nil && p != g.Pending(x) {
				t.Fatalf("step %d: Claim returned a record that is not the pending one", step)
			}
			counts["claim"]++
		case op < 78: // XREADGROUP history read
			c := handles[n]
			if _, live := m.consumers[n]; !live {
				break
			}
			start, count := randID(), rng.IntN(5)
			got := c.Range(nil, Query{Start: start, End: stream.Max, Count: count})
			want := m.sortedIDs(n)
			i, _ := slices.BinarySearchFunc(want, start, stream.ID.Compare)
			want = want[i:]
			if count > 0 && len(want) > count {
				want = want[:count]
			}
			gotIDs := []stream.ID{}
			for _, p := range got {
				gotIDs = append(gotIDs, p.ID())
				if exists(p.ID()) {
					if err := g.Redeliver(p, now); err != nil {
						t.Fatalf("step %d: Redeliver: %v", step, err)
					}
				}
			}
			if !slices.Equal(gotIDs, want) && len(want)+len(gotIDs) > 0 {
				t.Fatalf("step %d: history of %q from %v count %d = %v, model %v", step, n, start, count, gotIDs, want)
			}
			for _, x := range want {
				if exists(x) {
					m.pel[x].time = now
					m.pel[x].count++
				}
			}
			counts["history"]++
		case op < 86: // XAUTOCLAIM
			c := handles[n]
			if _, live := m.consumers[n]; !live {
				break
			}
			minIdle, start, count, justID := int64(rng.IntN(300)), randID(), 1+rng.IntN(4), rng.IntN(2) == 0
			var got autoclaimResult
			if rng.IntN(2) == 0 {
				got = autoclaim(g, c, minIdle, start, count, justID, now, exists)
			} else {
				got = autoclaimByCursor(g, c, minIdle, start, count, justID, now, exists)
			}
			want := m.autoclaim(n, minIdle, start, count, justID, now, exists)
			if got.Next != want.Next || !slices.Equal(got.Claimed, want.Claimed) || !slices.Equal(got.Deleted, want.Deleted) {
				t.Fatalf("step %d: autoclaim = %+v, model %+v", step, got, want)
			}
			counts["autoclaim"]++
		case op < 89: // XREADGROUP ... CLAIM
			c := handles[n]
			if _, live := m.consumers[n]; !live {
				break
			}
			minIdle, count := int64(rng.IntN(300)), rng.IntN(4)
			res, err := g.ClaimIdle(c, minIdle, count, now, exists)
			if err != nil {
				t.Fatalf("step %d: ClaimIdle: %v", step, err)
			}
			got := []claimedView{}
			for _, x := range res.Claimed {
				got = append(got, claimedView{x.P.ID(), x.Idle, x.Count})
			}
			want, deleted := m.claimIdle(n, minIdle, count, now, exists)
			if !slices.Equal(got, want) || !slices.Equal(res.Deleted, deleted) {
				t.Fatalf("step %d: ClaimIdle(%q, %d, %d) = %v deleted %v; model %v deleted %v", step, n, minIdle, count, got, res.Deleted, want, deleted)
			}
			counts["claimidle"]++
		case op < 95: // XPENDING extended form
			q := Query{Start: randID(), End: randID(), Count: rng.IntN(6), Now: now}
			if rng.IntN(2) == 0 {
				q.MinIdle = int64(rng.IntN(300))
			}
			owner := ""
			var got []*Pending
			if rng.IntN(2) == 0 {
				if _, live := m.consumers[n]; live {
					owner = n
				}
			}
			if owner != "" {
				got = handles[owner].Range(nil, q)
			} else {
				got = g.Range(nil, q)
			}
			var want []stream.ID
			for _, x := range m.sortedIDs(owner) {
				if x.Less(q.Start) || q.End.Less(x) || (q.MinIdle != 0 && now-m.pel[x].time < q.MinIdle) {
					continue
				}
				if q.Count > 0 && len(want) == q.Count {
					break
				}
				want = append(want, x)
			}
			if g, w := states(got), m.states(want); !slices.Equal(g, w) {
				t.Fatalf("step %d: Range(%q, %+v) = %+v, model %+v", step, owner, q, g, w)
			}
			counts["range"]++
		default: // XPENDING summary, and a seen-time update
			s := g.Summary()
			all := m.sortedIDs("")
			perOwner := map[string]int{}
			for _, r := range m.pel {
				perOwner[r.owner]++
			}
			var wantCC []ConsumerCount
			for _, name := range slices.Sorted(maps.Keys(perOwner)) {
				wantCC = append(wantCC, ConsumerCount{name, perOwner[name]})
			}
			if s.Count != len(all) || !slices.Equal(s.Consumers, wantCC) ||
				(len(all) > 0 && (s.Min != all[0] || s.Max != all[len(all)-1])) {
				t.Fatalf("step %d: Summary %+v, model %d %v", step, s, len(all), wantCC)
			}
			if c, live := m.consumers[n]; live {
				handles[n].SetSeenTime(now)
				c.seen = now
			}
			counts["summary"]++
		}
		if err := gs.Check(); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		compareWithModel(t, step, g, m)
	}
	t.Logf("ops: %v", counts)
	for _, k := range []string{"create", "delete", "deliver", "deliver-refused", "ack", "claim", "history", "autoclaim", "range", "summary"} {
		if counts[k] == 0 {
			t.Errorf("operation %s never ran", k)
		}
	}
}

func compareWithModel(t *testing.T, step int, g *Group, m *model) {
	t.Helper()
	if got, want := allPending(g), m.states(m.sortedIDs("")); !slices.Equal(got, want) {
		t.Fatalf("step %d: PEL %+v\nmodel %+v", step, got, want)
	}
	var names []string
	for c := range g.Consumers() {
		mc := m.consumers[c.Name()]
		if mc == nil || c.SeenTime() != mc.seen || c.ActiveTime() != mc.active || c.Len() != len(m.sortedIDs(c.Name())) {
			t.Fatalf("step %d: consumer %q seen %d active %d len %d; model %+v", step, c.Name(), c.SeenTime(), c.ActiveTime(), c.Len(), mc)
		}
		names = append(names, c.Name())
	}
	if !slices.Equal(names, slices.Sorted(maps.Keys(m.consumers))) && len(names)+len(m.consumers) > 0 {
		t.Fatalf("step %d: consumers %q, model %q", step, names, slices.Sorted(maps.Keys(m.consumers)))
	}
}

// autoclaim is the model's XAUTOCLAIM: the same algorithm over a sorted
// snapshot of IDs, re-read after each removal.
func (m *model) autoclaim(to string, minIdle int64, start stream.ID, count int, justID bool, now int64, exists existsFunc) autoclaimResult {
	var r autoclaimResult
	ids := m.sortedIDs("")
	i, _ := slices.BinarySearchFunc(ids, start, stream.ID.Compare)
	attempts := count * 10
	for ; attempts > 0 && count > 0 && i < len(ids); i++ {
		attempts--
		x := ids[i]
		if !exists(x) {
			delete(m.pel, x)
			r.Deleted = append(r.Deleted, x)
			count--
			continue
		}
		if m.claim(x, to, now, ClaimOptions{MinIdle: minIdle, JustID: justID}) != nil {
			continue
		}
		r.Claimed = append(r.Claimed, x)
		count--
	}
	if i < len(ids) {
		r.Next = ids[i]
	}
	return r
}
