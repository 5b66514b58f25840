package commands

import (
	"flag"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/stream"
)

var groupsSeed = flag.Int64("groups.seed", 0, "seed of TestGroupsModel (0: from the clock)")

// respValue is a parsed RESP2 reply.
type respValue struct {
	kind  byte // '+', '-', ':', '$', '*'
	str   string
	n     int64
	elems []respValue
	null  bool
}

// parseRESP parses one RESP2 reply from r and returns it with the rest.
func parseRESP(r string) (respValue, string) {
	i := strings.Index(r, "\r\n")
	line, rest := r[1:i], r[i+2:]
	v := respValue{kind: r[0]}
	switch r[0] {
	case '+', '-':
		v.str = line
	case ':':
		v.n, _ = strconv.ParseInt(line, 10, 64)
	case '$':
		n, _ := strconv.Atoi(line)
		if n < 0 {
			v.null = true
			return v, rest
		}
		v.str, rest = rest[:n], rest[n+2:]
	case '*':
		n, _ := strconv.Atoi(line)
		if n < 0 {
			v.null = true
			return v, rest
		}
		for j := 0; j < n; j++ {
			var e respValue
			e, rest = parseRESP(rest)
			v.elems = append(v.elems, e)
		}
	}
	return v, rest
}

// modelPending is the model's record of a pending entry.
type modelPending struct {
	owner string
	count uint64
}

// groupModel is a naive reference of one stream with one group: sorted
// slices and maps, every operation a scan, Redis's rules spelled out.
type groupModel struct {
	ids       []stream.ID // every ID ever added, ascending
	live      map[stream.ID]bool
	lastID    stream.ID
	pel       map[stream.ID]*modelPending
	consumers map[string]bool
}

func (m *groupModel) pendingIDs(owner string) []stream.ID {
	var out []stream.ID
	for id, p := range m.pel {
		if owner == "" || p.owner == owner {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, stream.ID.Compare)
	return out
}

// readNew is a '>' read of up to count entries (0: all).
func (m *groupModel) readNew(c string, count int, noack bool) []stream.ID {
	m.consumers[c] = true
	var out []stream.ID
	for _, id := range m.ids {
		if !m.live[id] || !m.lastID.Less(id) {
			continue
		}
		if count > 0 && len(out) == count {
			break
		}
		out = append(out, id)
	}
	for _, id := range out {
		m.lastID = id
		if !noack {
			m.pel[id] = &modelPending{owner: c, count: 1}
		}
	}
	return out
}

// readHistory returns c's pending IDs after `after` (up to count) and
// whether each entry still exists, counting live ones as delivered again.
func (m *groupModel) readHistory(c string, after stream.ID, count int) ([]stream.ID, []bool) {
	m.consumers[c] = true
	var ids []stream.ID
	var live []bool
	for _, id := range m.pendingIDs(c) {
		if !after.Less(id) {
			continue
		}
		if count > 0 && len(ids) == count {
			break
		}
		ids = append(ids, id)
		live = append(live, m.live[id])
		if m.live[id] {
			m.pel[id].count++
		}
	}
	return ids, live
}

func (m *groupModel) claim(c string, ids []stream.ID, justID, force bool) []stream.ID {
	m.consumers[c] = true
	var out []stream.ID
	for _, id := range ids {
		p := m.pel[id]
		if !m.live[id] {
			delete(m.pel, id)
			continue
		}
		if p == nil {
			if !force {
				continue
			}
			p = &modelPending{count: 1}
			m.pel[id] = p
		}
		p.owner = c
		if !justID {
			p.count++
		}
		out = append(out, id)
	}
	return out
}

func (m *groupModel) autoclaim(c string, start stream.ID, count int, justID bool) (next stream.ID, claimed, deleted []stream.ID) {
	m.consumers[c] = true
	attempts := count * 10
	all := m.pendingIDs("")
	i := 0
	for i < len(all) && all[i].Less(start) {
		i++
	}
	for ; attempts > 0 && count > 0 && i < len(all); i++ {
		attempts--
		id := all[i]
		if !m.live[id] {
			delete(m.pel, id)
			deleted = append(deleted, id)
			count--
			continue
		}
		p := m.pel[id]
		p.owner = c
		if !justID {
			p.count++
		}
		claimed = append(claimed, id)
		count--
	}
	if i < len(all) {
		next = all[i]
	}
	return next, claimed, deleted
}

// TestGroupsModel runs random sequences of XADD, XDEL, XREADGROUP ('>'
// and history, with and without NOACK), XACK, XCLAIM (JUSTID, FORCE),
// XAUTOCLAIM, XGROUP SETID and DELCONSUMER through the handlers and checks
// every reply and the PEL against the model. Run again with
// -groups.seed=N to replay a failure.
func TestGroupsModel(t *testing.T) {
	seed := *groupsSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (replay with -groups.seed=%d)", seed, seed)
	rng := rand.New(rand.NewSource(seed))
	rounds, steps := 30, 300
	if testing.Short() {
		rounds = 5
	}
	for r := 0; r < rounds; r++ {
		runGroupsModel(t, rng, steps)
		if t.Failed() {
			t.Fatalf("failed in round %d (seed %d)", r, seed)
		}
	}
}

func runGroupsModel(t *testing.T, rng *rand.Rand, steps int) {
	f := newGroupFake(t)
	f.do("XGROUP", "CREATE", "s", "g", "0", "MKSTREAM")
	m := &groupModel{live: map[stream.ID]bool{}, pel: map[stream.ID]*modelPending{}, consumers: map[string]bool{}}
	var ms uint64
	consumer := func() string { return "c" + strconv.Itoa(rng.Intn(4)) }
	// anyID picks an ID that was added (possibly deleted since), or
	// sometimes one that never was.
	anyID := func() stream.ID {
		if len(m.ids) == 0 || rng.Intn(8) == 0 {
			return stream.ID{Ms: uint64(rng.Intn(int(ms) + 2)), Seq: 7}
		}
		return m.ids[rng.Intn(len(m.ids))]
	}
	var history []string
	do := func(a ...string) respValue {
		history = append(history, strings.Join(a, " "))
		v, rest := parseRESP(f.do(a...))
		if rest != "" || v.kind == '-' {
			t.Fatalf("%s: reply %+v (rest %q)\nhistory:\n%s", strings.Join(a, " "), v, rest, strings.Join(history, "\n"))
		}
		return v
	}
	fail := func(format string, args ...any) {
		t.Fatalf(format+"\nhistory:\n%s", append(args, strings.Join(history, "\n"))...)
	}
	wantIDs := func(cmd string, got []respValue, want []stream.ID, justID bool) {
		if len(got) != len(want) {
			fail("%s: %d IDs, want %v", cmd, len(got), want)
		}
		for i, e := range got {
			id := e.str
			if !justID {
				id = e.elems[0].str
			}
			if id != want[i].String() {
				fail("%s: ID %d is %s, want %s", cmd, i, id, want[i])
			}
		}
	}
	for step := 0; step < steps; step++ {
		switch op := rng.Intn(100); {
		case op < 25:
			n := 1 + rng.Intn(5)
			for i := 0; i < n; i++ {
				ms++
				id := stream.ID{Ms: ms, Seq: uint64(rng.Intn(3))}
				do("XADD", "s", id.String(), "f", "v")
				m.ids = append(m.ids, id)
				m.live[id] = true
			}
		case op < 32:
			id := anyID()
			v := do("XDEL", "s", id.String())
			if want := int64(0); m.live[id] {
				want = 1
				if v.n != want {
					fail("XDEL %s = %d, want 1", id, v.n)
				}
				m.live[id] = false
			} else if v.n != 0 {
				fail("XDEL %s = %d, want 0", id, v.n)
			}
		case op < 52:
			c, count, noack := consumer(), rng.Intn(4), rng.Intn(5) == 0
			a := []string{"XREADGROUP", "GROUP", "g", c, "COUNT", strconv.Itoa(count)}
			if noack {
				a = append(a, "NOACK")
			}
			v := do(append(a, "STREAMS", "s", ">")...)
			want := m.readNew(c, count, noack)
			if len(want) == 0 {
				if !v.null {
					fail("%s: %+v, want nil", strings.Join(a, " "), v)
				}
				continue
			}
			wantIDs("XREADGROUP >", v.elems[0].elems[1].elems, want, false)
		case op < 60:
			c, count := consumer(), rng.Intn(3)
			after := stream.Min
			if rng.Intn(2) == 0 {
				after = anyID()
			}
			v := do("XREADGROUP", "GROUP", "g", c, "COUNT", strconv.Itoa(count), "STREAMS", "s", after.String())
			ids, live := m.readHistory(c, after, count)
			got := v.elems[0].elems[1].elems
			wantIDs("XREADGROUP history", got, ids, false)
			for i, e := range got {
				if e.elems[1].null == live[i] {
					fail("history entry %s: nil body %v, entry live %v", ids[i], e.elems[1].null, live[i])
				}
			}
		case op < 72:
			a := []string{"XACK", "s", "g"}
			want := 0
			seen := map[stream.ID]bool{}
			for i := 0; i < 1+rng.Intn(4); i++ {
				id := anyID()
				if ps := m.pendingIDs(""); len(ps) > 0 && rng.Intn(2) == 0 {
					id = ps[rng.Intn(len(ps))]
				}
				a = append(a, id.String())
				if m.pel[id] != nil && !seen[id] {
					want++
					seen[id] = true
				}
			}
			if v := do(a...); v.n != int64(want) {
				fail("%s = %d, want %d", strings.Join(a, " "), v.n, want)
			}
			for id := range seen {
				delete(m.pel, id)
			}
		case op < 82:
			c := consumer()
			justID, force := rng.Intn(2) == 0, rng.Intn(4) == 0
			a := []string{"XCLAIM", "s", "g", c, "0"}
			var ids []stream.ID
			for i := 0; i < 1+rng.Intn(3); i++ {
				id := anyID()
				ids = append(ids, id)
				a = append(a, id.String())
			}
			if justID {
				a = append(a, "JUSTID")
			}
			if force {
				a = append(a, "FORCE")
			}
			v := do(a...)
			wantIDs(strings.Join(a, " "), v.elems, m.claim(c, ids, justID, force), justID)
		case op < 90:
			c, count, justID := consumer(), 1+rng.Intn(4), rng.Intn(2) == 0
			start := stream.Min
			if rng.Intn(2) == 0 {
				start = anyID()
			}
			a := []string{"XAUTOCLAIM", "s", "g", c, "0", start.String(), "COUNT", strconv.Itoa(count)}
			if justID {
				a = append(a, "JUSTID")
			}
			v := do(a...)
			next, claimed, deleted := m.autoclaim(c, start, count, justID)
			if v.elems[0].str != next.String() {
				fail("%s: cursor %s, want %s", strings.Join(a, " "), v.elems[0].str, next)
			}
			wantIDs(strings.Join(a, " "), v.elems[1].elems, claimed, justID)
			wantIDs(strings.Join(a, " ")+" deleted", v.elems[2].elems, deleted, true)
		case op < 94:
			id := anyID()
			if rng.Intn(3) == 0 {
				id = stream.Min
			}
			do("XGROUP", "SETID", "s", "g", id.String())
			m.lastID = id
		case op < 96:
			c := consumer()
			v := do("XGROUP", "DELCONSUMER", "s", "g", c)
			if want := len(m.pendingIDs(c)); v.n != int64(want) {
				fail("DELCONSUMER %s = %d, want %d", c, v.n, want)
			}
			for _, id := range m.pendingIDs(c) {
				delete(m.pel, id)
			}
			delete(m.consumers, c)
		default:
			checkModelPEL(t, f, m, fail)
		}
	}
	checkModelPEL(t, f, m, fail)
}

// checkModelPEL compares XPENDING's two forms and XINFO CONSUMERS with the
// model.
func checkModelPEL(t *testing.T, f *fake, m *groupModel, fail func(string, ...any)) {
	sum, _ := parseRESP(f.do("XPENDING", "s", "g"))
	all := m.pendingIDs("")
	if sum.elems[0].n != int64(len(all)) {
		fail("XPENDING count %d, want %d", sum.elems[0].n, len(all))
	}
	if len(all) > 0 && (sum.elems[1].str != all[0].String() || sum.elems[2].str != all[len(all)-1].String()) {
		fail("XPENDING bounds %s %s, want %s %s", sum.elems[1].str, sum.elems[2].str, all[0], all[len(all)-1])
	}
	ext, _ := parseRESP(f.do("XPENDING", "s", "g", "-", "+", "100000"))
	if len(ext.elems) != len(all) {
		fail("XPENDING - + has %d entries, want %d", len(ext.elems), len(all))
	}
	for i, e := range ext.elems {
		p := m.pel[all[i]]
		if e.elems[0].str != all[i].String() || e.elems[1].str != p.owner || e.elems[3].n != int64(p.count) {
			fail("XPENDING entry %d: %s %s count %d, want %s %s count %d", i,
				e.elems[0].str, e.elems[1].str, e.elems[3].n, all[i], p.owner, p.count)
		}
	}
	info, _ := parseRESP(f.do("XINFO", "CONSUMERS", "s", "g"))
	var names []string
	for c := range m.consumers {
		names = append(names, c)
	}
	slices.Sort(names)
	if len(info.elems) != len(names) {
		fail("XINFO CONSUMERS lists %d consumers, want %v", len(info.elems), names)
	}
	for i, c := range info.elems {
		if c.elems[1].str != names[i] || c.elems[3].n != int64(len(m.pendingIDs(names[i]))) {
			fail("consumer %d: %s with %d pending, want %s with %d", i, c.elems[1].str, c.elems[3].n,
				names[i], len(m.pendingIDs(names[i])))
		}
	}
	checkGroups(t, f.s)
	if t.Failed() {
		fail("invariant check failed")
	}
}
