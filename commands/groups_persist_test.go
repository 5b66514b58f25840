package commands

import (
	"fmt"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// storeImage is what a store holds after applying a sequence of batches,
// reduced to the key and group records: each Put replaces its record, each
// Del and range deletion removes what it names, as the Pebble layout does.
type storeImage struct {
	keys   map[string]uint64
	groups map[uint64]map[string]*imageGroup
	// fresh counts the PendingPut ops marked Fresh; staleFresh lists those
	// whose record existed, which would let a merged batch drop a needed
	// deletion.
	fresh      int
	staleFresh []string
	// nacked counts the PendingPut ops of entries XNACK released.
	nacked int
}

type imageGroup struct {
	lastID      stream.ID
	entriesRead int64
	consumers   map[string][2]int64
	pending     map[stream.ID]imagePending
}

type imagePending struct {
	owner string
	time  int64
	count uint64
}

func (im *storeImage) apply(ops []persist.Op) {
	for _, op := range ops {
		gs := im.groups[op.UID]
		switch op.Kind {
		case persist.KeyPut:
			im.keys[op.Key] = op.UID
		case persist.KeyDel:
			delete(im.keys, op.Key)
		case persist.StreamDrop:
			delete(im.groups, op.UID)
		case persist.GroupPut:
			if gs == nil {
				gs = map[string]*imageGroup{}
				im.groups[op.UID] = gs
			}
			g := gs[op.Group]
			if g == nil {
				g = &imageGroup{consumers: map[string][2]int64{}, pending: map[stream.ID]imagePending{}}
				gs[op.Group] = g
			}
			g.lastID, g.entriesRead = op.GroupLastID, op.EntriesRead
		case persist.GroupDel:
			delete(gs, op.Group)
		case persist.ConsumerPut, persist.ConsumerDel, persist.PendingPut, persist.PendingDel:
			g := gs[op.Group]
			if g == nil {
				// A record under a group with no group record: the layout
				// would keep it, and the loader would meet it without its
				// group. Keep a record of it so the comparison fails.
				g = &imageGroup{lastID: stream.Max, consumers: map[string][2]int64{}, pending: map[stream.ID]imagePending{}}
				if gs == nil {
					gs = map[string]*imageGroup{}
					im.groups[op.UID] = gs
				}
				gs[op.Group] = g
			}
			switch op.Kind {
			case persist.ConsumerPut:
				g.consumers[op.Consumer] = [2]int64{op.SeenTime, op.ActiveTime}
			case persist.ConsumerDel:
				delete(g.consumers, op.Consumer)
			case persist.PendingPut:
				if op.Fresh {
					im.fresh++
					if _, ok := g.pending[op.ID]; ok {
						im.staleFresh = append(im.staleFresh, fmt.Sprintf("%s %v", op.Group, op.ID))
					}
				}
				if op.DeliveryTime < 0 {
					im.nacked++
				}
				g.pending[op.ID] = imagePending{op.Consumer, op.DeliveryTime, op.DeliveryCount}
			case persist.PendingDel:
				delete(g.pending, op.ID)
			}
		}
	}
}

// restore rebuilds the groups of the stream at key from the image, in the
// loader's order, through restoreGroup/Consumer/Pending.
func (im *storeImage) restore(key string) (*Object, error) {
	o := &Object{}
	gs := im.groups[im.keys[key]]
	names := make([]string, 0, len(gs))
	for n := range gs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		g := gs[n]
		if err := restoreGroup(o, n, g.lastID, g.entriesRead); err != nil {
			return nil, err
		}
		cs := make([]string, 0, len(g.consumers))
		for c := range g.consumers {
			cs = append(cs, c)
		}
		slices.Sort(cs)
		for _, c := range cs {
			if err := restoreConsumer(o, n, c, g.consumers[c][0], g.consumers[c][1]); err != nil {
				return nil, err
			}
		}
		ids := make([]stream.ID, 0, len(g.pending))
		for id := range g.pending {
			ids = append(ids, id)
		}
		slices.SortFunc(ids, stream.ID.Compare)
		for _, id := range ids {
			p := g.pending[id]
			if err := restorePending(o, n, id, p.owner, p.time, p.count); err != nil {
				return nil, fmt.Errorf("pending %v of %s owned by %q: %w", id, n, p.owner, err)
			}
		}
	}
	return o, nil
}

// describeGroups renders every field of a stream's groups that the store
// keeps, for comparison.
func describeGroups(gs *pel.Groups) string {
	if gs == nil {
		return ""
	}
	var sb strings.Builder
	for g := range gs.All() {
		fmt.Fprintf(&sb, "group %s last %v read %d\n", g.Name(), g.LastID, g.EntriesRead)
		for c := range g.Consumers() {
			fmt.Fprintf(&sb, " consumer %s seen %d active %d pending %d\n", c.Name(), c.SeenTime(), c.ActiveTime(), c.Len())
		}
		for _, p := range g.Range(nil, pel.Query{Start: stream.Min, End: stream.Max}) {
			fmt.Fprintf(&sb, " pending %v %s %d %d nack %d\n", p.ID(), p.Owner().Name(), p.DeliveryTime(), p.DeliveryCount(), p.NackSeq())
		}
	}
	return sb.String()
}

// TestGroupsPersistReplay runs random group commands with a recording
// store, applies the recorded ops to a store image after every command and
// rebuilds the groups from it: they must equal the live ones, field for
// field, so that nothing a reply acknowledged is missing from the store.
func TestGroupsPersistReplay(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	rs := newRecordingStore()
	f := newFake(t, Options{Store: rs})
	im := &storeImage{keys: map[string]uint64{}, groups: map[uint64]map[string]*imageGroup{}}
	ms := 0
	randID := func() string { return strconv.Itoa(rng.Intn(ms+2)) + "-0" }
	var history []string
	nackReplies := map[string]int{}
	for step := 0; step < 2000; step++ {
		g := []string{"g1", "g2"}[rng.Intn(2)]
		c := "c" + strconv.Itoa(rng.Intn(3))
		var a []string
		switch op := rng.Intn(100); {
		case op < 20:
			ms++
			a = []string{"XADD", "s", strconv.Itoa(ms) + "-0", "f", "v"}
		case op < 24:
			a = []string{"XGROUP", "CREATE", "s", g, "0", "MKSTREAM"}
		case op < 26:
			a = []string{"XGROUP", "DESTROY", "s", g}
		case op < 28:
			a = []string{"XGROUP", "SETID", "s", g, randID(), "ENTRIESREAD", strconv.Itoa(rng.Intn(5))}
		case op < 30:
			a = []string{"XGROUP", "CREATECONSUMER", "s", g, c}
		case op < 32:
			a = []string{"XGROUP", "DELCONSUMER", "s", g, c}
		case op < 50:
			a = []string{"XREADGROUP", "GROUP", g, c, "COUNT", strconv.Itoa(rng.Intn(4)), "STREAMS", "s", ">"}
			if rng.Intn(5) == 0 {
				a = []string{"XREADGROUP", "GROUP", g, c, "NOACK", "STREAMS", "s", ">"}
			}
		case op < 56:
			a = []string{"XREADGROUP", "GROUP", g, c, "STREAMS", "s", "0"}
		case op < 66:
			a = []string{"XACK", "s", g, randID(), randID()}
		case op < 74:
			a = []string{"XCLAIM", "s", g, c, "0", randID(), randID(), "RETRYCOUNT", strconv.Itoa(rng.Intn(9)), "LASTID", randID()}
			if rng.Intn(3) == 0 {
				a = append(a, "FORCE")
			}
		case op < 82:
			a = []string{"XAUTOCLAIM", "s", g, c, "0", "-", "COUNT", strconv.Itoa(1 + rng.Intn(3))}
		case op < 86:
			a = []string{"XDEL", "s", randID()}
		case op < 88:
			a = []string{"XNACK", "s", g, "FAIL", "IDS", "3", randID(), randID(), randID(), "FORCE"}
		case op < 90:
			a = []string{"XTRIM", "s", "MAXLEN", strconv.Itoa(rng.Intn(4))}
		case op < 91:
			a = []string{"DEL", "s"}
		case op < 92:
			a = []string{"XREADGROUP", "GROUP", g, c, "COUNT", strconv.Itoa(rng.Intn(3)), "CLAIM", "3600000", "STREAMS", "s", ">"}
		case op < 96:
			// A transaction's ops are one batch.
			f.do("MULTI")
			f.do("XREADGROUP", "GROUP", g, c, "STREAMS", "s", ">")
			f.do("XGROUP", "DELCONSUMER", "s", g, c)
			f.do("XGROUP", "CREATECONSUMER", "s", g, c)
			a = []string{"EXEC"}
		case op < 98:
			a = []string{"XNACK", "s", g, []string{"SILENT", "FAIL", "FATAL"}[rng.Intn(3)], "IDS", "2", randID(), randID()}
			if rng.Intn(2) == 0 {
				a = append(a, "FORCE")
			}
			if rng.Intn(4) == 0 {
				a = append(a, "RETRYCOUNT", strconv.Itoa(rng.Intn(3)))
			}
		default:
			a = []string{"XAUTOCLAIM", "s", g, c, "0", "0", "JUSTID"}
		}
		history = append(history, strings.Join(a, " "))
		if r := f.do(a...); a[0] == "XNACK" {
			nackReplies[r]++
		}
		im.apply(f.committed(rs))
		if len(im.staleFresh) > 0 {
			t.Fatalf("after %q a PendingPut marked Fresh replaced an existing record: %v\nhistory:\n%s", a, im.staleFresh, strings.Join(history, "\n"))
		}
		o, err := im.restore("s")
		if err != nil {
			t.Fatalf("restoring after %q: %v\nhistory:\n%s", a, err, strings.Join(history, "\n"))
		}
		var live *pel.Groups
		if lo := f.object("s"); lo != nil {
			live = lo.Groups
		}
		if got, want := describeGroups(o.Groups), describeGroups(live); got != want {
			t.Fatalf("after %q the store holds\n%s\nbut the server has\n%s\nhistory:\n%s", a, got, want, strings.Join(history, "\n"))
		}
	}
	if im.fresh == 0 {
		t.Fatal("no PendingPut was marked Fresh: the flag went untested")
	}
	if im.nacked == 0 {
		t.Fatalf("no released entry was recorded: XNACK went untested (its replies: %v)", nackReplies)
	}
	checkGroups(t, f.s)
}

// TestRestoreRejects: records that contradict each other fail the restore.
func TestRestoreRejects(t *testing.T) {
	o := &Object{}
	if err := restoreConsumer(o, "g", "c", 1, 1); err == nil {
		t.Fatal("a consumer without its group was restored")
	}
	if err := restoreGroup(o, "g", stream.Min, 0); err != nil {
		t.Fatal(err)
	}
	if err := restoreGroup(o, "g", stream.Min, 0); err == nil {
		t.Fatal("a group was restored twice")
	}
	if err := restorePending(o, "g", stream.ID{Ms: 1}, "nobody", 1, 1); err == nil {
		t.Fatal("a pending entry without its owner was restored")
	}
	if err := restoreConsumer(o, "g", "c", 1, 1); err != nil {
		t.Fatal(err)
	}
	if err := restorePending(o, "g", stream.ID{Ms: 1}, "c", 1, 1); err != nil {
		t.Fatal(err)
	}
	if err := restorePending(o, "g", stream.ID{Ms: 1}, "c", 1, 1); err == nil {
		t.Fatal("a pending entry was restored twice")
	}
	if err := o.Groups.Check(); err != nil {
		t.Fatal(err)
	}
}
