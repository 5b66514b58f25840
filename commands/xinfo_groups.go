package commands

import (
	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/resp"
	"github.com/runnel-db/runnel/stream"
)

func init() {
	register(
		&Command{
			Name: "xinfo|groups", Arity: 3, Flags: ReadOnly,
			FirstKey: 2, LastKey: 2, Step: 1,
			ACL:      []string{"@read", "@stream", "@slow"},
			KeySpecs: []KeySpec{rangeSpec(2, 0, "RO", "access")},
			Handler:  xinfoGroupsCmd,
			Summary:  "Returns a list of the consumer groups of a stream.",
			Since:    "5.0.0", Group: "stream", Complexity: "O(1)",
			History: [][2]string{{"7.0.0", "Added the `entries-read` and `lag` fields"}},
			Args:    []ArgDoc{keyArg(0)},
		},
		&Command{
			Name: "xinfo|consumers", Arity: 4, Flags: ReadOnly,
			FirstKey: 2, LastKey: 2, Step: 1,
			ACL:      []string{"@read", "@stream", "@slow"},
			Tips:     []string{"nondeterministic_output"},
			KeySpecs: []KeySpec{rangeSpec(2, 0, "RO", "access")},
			Handler:  xinfoConsumersCmd,
			Summary:  "Returns a list of the consumers in a consumer group.",
			Since:    "5.0.0", Group: "stream", Complexity: "O(1)",
			History: [][2]string{{"7.2.0", "Added the `inactive` field, and changed the meaning of `idle`."}},
			Args:    []ArgDoc{keyArg(0), strArg("group")},
		},
	)
	xinfoStreamGroups.Count = func(o *Object) int64 {
		if o.Groups == nil {
			return 0
		}
		return int64(o.Groups.Len())
	}
	xinfoStreamGroups.Full = xinfoStreamFullGroups
}

// writeEntriesRead writes a group's entries-read, nil when unknown.
func writeEntriesRead(w *resp.Writer, g *pel.Group) {
	if g.EntriesRead == pel.UnknownEntriesRead {
		w.Null()
		return
	}
	w.Int(g.EntriesRead)
}

// writeLag writes a group's lag, nil when unknown.
func writeLag(w *resp.Writer, s *stream.Stream, g *pel.Group) {
	if lag, ok := groupLag(s, g); ok {
		w.Int(lag)
		return
	}
	w.Null()
}

// XINFO GROUPS key
func xinfoGroupsCmd(c *Ctx) error {
	o := c.LookupRead(c.Args[2])
	if o == nil {
		return ErrNoSuchKey
	}
	w := c.W
	if o.Groups == nil {
		w.Array(0)
		return nil
	}
	w.Array(o.Groups.Len())
	for g := range o.Groups.All() {
		w.Map(6)
		w.BulkString("name")
		w.BulkString(g.Name())
		w.BulkString("consumers")
		w.Int(int64(g.NumConsumers()))
		w.BulkString("pending")
		w.Int(int64(g.Len()))
		w.BulkString("last-delivered-id")
		writeID(w, g.LastID)
		w.BulkString("entries-read")
		writeEntriesRead(w, g)
		w.BulkString("lag")
		writeLag(w, o.Stream, g)
	}
	return nil
}

// XINFO CONSUMERS key group
//
// Redis 7.4's fields: idle counts from the last attempt to read or claim,
// inactive from the last time an entry was added to the consumer's PEL (-1
// if never).
func xinfoConsumersCmd(c *Ctx) error {
	key, name := c.Args[2], c.Args[3]
	o, g := lookupGroup(c, key, name)
	if o == nil {
		return ErrNoSuchKey
	}
	if g == nil {
		return errNoGroupForKey(name, key)
	}
	w := c.W
	w.Array(g.NumConsumers())
	for cons := range g.Consumers() {
		inactive := int64(pel.NeverActive)
		if t := cons.ActiveTime(); t != pel.NeverActive {
			inactive = c.Now - t
		}
		w.Map(4)
		w.BulkString("name")
		w.BulkString(cons.Name())
		w.BulkString("pending")
		w.Int(int64(cons.Len()))
		w.BulkString("idle")
		w.Int(max(c.Now-cons.SeenTime(), 0))
		w.BulkString("inactive")
		w.Int(inactive)
	}
	return nil
}

// xinfoStreamFullGroups writes the "groups" array of XINFO STREAM FULL:
// each group with its PEL and each consumer with its own, PELs cut at
// count records (0: all) as Redis cuts them. An entry XNACK released shows
// consumer "" and delivery time 0, and a group holding such entries gets
// Redis 8.8's "nacked-count" field after "consumers"; a group holding none
// is shown as Redis 7.4 shows it (as the IDMP fields of XINFO STREAM are
// shown only for a stream that used them).
func xinfoStreamFullGroups(c *Ctx, o *Object, count int64) {
	w := c.W
	if o.Groups == nil {
		w.Array(0)
		return
	}
	limit := countArg(count)
	var scratch []*pel.Pending
	w.Array(o.Groups.Len())
	for g := range o.Groups.All() {
		nacked := g.NackedLen()
		if nacked > 0 {
			w.Map(8)
		} else {
			w.Map(7)
		}
		w.BulkString("name")
		w.BulkString(g.Name())
		w.BulkString("last-delivered-id")
		writeID(w, g.LastID)
		w.BulkString("entries-read")
		writeEntriesRead(w, g)
		w.BulkString("lag")
		writeLag(w, o.Stream, g)
		w.BulkString("pel-count")
		w.Int(int64(g.Len()))
		w.BulkString("pending")
		scratch = g.Range(scratch[:0], pel.Query{Start: stream.Min, End: stream.Max, Count: limit})
		w.Array(len(scratch))
		for _, p := range scratch {
			w.Array(4)
			writeID(w, p.ID())
			w.BulkString(p.Owner().Name())
			w.Int(p.DeliveryTime())
			w.Uint(p.DeliveryCount())
		}
		w.BulkString("consumers")
		w.Array(g.NumConsumers())
		for cons := range g.Consumers() {
			w.Map(5)
			w.BulkString("name")
			w.BulkString(cons.Name())
			w.BulkString("seen-time")
			w.Int(cons.SeenTime())
			w.BulkString("active-time")
			w.Int(cons.ActiveTime())
			w.BulkString("pel-count")
			w.Int(int64(cons.Len()))
			w.BulkString("pending")
			scratch = cons.Range(scratch[:0], pel.Query{Start: stream.Min, End: stream.Max, Count: limit})
			w.Array(len(scratch))
			for _, p := range scratch {
				w.Array(3)
				writeID(w, p.ID())
				w.Int(p.DeliveryTime())
				w.Uint(p.DeliveryCount())
			}
		}
		if nacked > 0 {
			w.BulkString("nacked-count")
			w.Int(int64(nacked))
		}
	}
}
