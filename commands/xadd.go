package commands

import (
	"github.com/runnel-db/runnel/stream"
)

func init() {
	register(&Command{
		Name: "xadd", Arity: -5, Flags: Write | Denyoom | Fast,
		FirstKey: 1, LastKey: 1, Step: 1,
		ACL:  []string{"@write", "@stream", "@fast"},
		Tips: []string{"nondeterministic_output"},
		KeySpecs: []KeySpec{{Notes: "UPDATE instead of INSERT because of the optional trimming feature",
			Flags: []string{"RW", "update"}, Index: 1, KeyStep: 1}},
		Handler: xaddCmd,
		Summary: "Appends a new message to a stream. Creates the key if it doesn't exist.",
		Since:   "5.0.0", Group: "stream",
		Complexity: "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
		History: [][2]string{
			{"6.2.0", "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option."},
			{"7.0.0", "Added support for the `<ms>-*` explicit ID form."},
		},
		Args: []ArgDoc{
			keyArg(0),
			since(optional(pureToken("nomkstream", "NOMKSTREAM")), "6.2.0"),
			optional(trimArgDoc()),
			oneof("id-selector", pureToken("auto-id", "*"), strArg("id")),
			multiple(block("data", strArg("field"), strArg("value"))),
		},
	})
}

// maxEntryBytes is the largest total size of an entry's fields and values
// Redis stores (a listpack's limit).
const maxEntryBytes = 1 << 30

// xaddArgs is a parsed XADD.
type xaddArgs struct {
	addTrimArgs
	Key []byte
	// Fields alternate field, value; they alias the command's arguments.
	Fields [][]byte
}

// parseXAdd parses XADD's arguments (args[0] is the command name) in
// Redis's order of checks: the options, then the field count, then the
// 0-0 ID. It does not allocate.
func parseXAdd(args [][]byte) (xaddArgs, error) {
	var at addTrimArgs
	if len(args) > 2 && isToken(args[2], '*') {
		// No options, a generated ID: what parseAddOrTrim finds for the
		// most common XADD, without its option loop.
		at.IDPos = 2
	} else {
		var err error
		if at, err = parseAddOrTrim(args, true); err != nil {
			return xaddArgs{}, err
		}
	}
	return parseXAddFrom(args, at)
}

// parseXAddFrom completes parseXAdd once the options are parsed.
func parseXAddFrom(args [][]byte, at addTrimArgs) (xaddArgs, error) {
	fieldPos := at.IDPos + 1
	if n := len(args) - fieldPos; n < 2 || n%2 == 1 {
		return xaddArgs{}, errWrongArity("xadd")
	}
	if at.IDGiven && at.SeqGiven && at.ID.IsZero() {
		return xaddArgs{}, ErrStreamIDZero
	}
	return xaddArgs{addTrimArgs: at, Key: args[1], Fields: args[fieldPos:]}, nil
}

// nextID returns the ID the entry gets in s at time now (Unix ms): the
// given one, or one generated for "*" or "ms-*". It fails unless that ID
// is greater than the stream's last ID, including when "ms-*" has no
// sequence left (Redis 7.4's reply).
func (a *xaddArgs) nextID(s *stream.Stream, now int64) (stream.ID, error) {
	var id stream.ID
	ok := true
	switch {
	case !a.IDGiven:
		id, ok = s.NextID(uint64(now))
	case !a.SeqGiven:
		id, ok = s.NextSeq(a.ID.Ms)
	default:
		id = a.ID
	}
	if !ok || !s.LastID().Less(id) {
		return stream.ID{}, ErrStreamIDTooSmall
	}
	return id, nil
}

// XADD key [NOMKSTREAM] [KEEPREF | DELREF | ACKED]
// [IDMPAUTO producer-id | IDMP producer-id idempotent-id]
// [MAXLEN|MINID [=|~] threshold [LIMIT count]]
// *|ms-*|ms-seq field value [field value ...]
func xaddCmd(c *Ctx) error {
	a, err := parseXAdd(c.Args)
	if err != nil {
		return err
	}
	o := c.Lookup(a.Key)
	if o == nil {
		if a.NoMkStream {
			c.W.Null()
			return nil
		}
		o = c.Create(a.Key)
	}
	if a.Idmp == idmpAuto {
		a.Iid = stream.AutoIID(a.Fields)
	}
	if a.Idmp != idmpNone && xaddDuplicate(c, o, &a) {
		return nil
	}
	s := o.Stream
	if s.LastID() == stream.Max {
		return ErrStreamExhausted
	}
	id, err := a.nextID(s, c.Now)
	if err != nil {
		return err
	}
	size := 0
	for _, f := range a.Fields {
		size += len(f)
	}
	if size > maxEntryBytes {
		return ErrElementsTooLarge
	}
	if span, node := s.Append(id, a.Fields); node != nil {
		// The node before id closed: persist it whole, in place of its
		// entries' records (see persist.NodePut).
		c.Batch().AddNode(o.UID, span, node)
	}
	c.Batch().AddEntry(o.UID, id, a.Fields)
	if a.Idmp != idmpNone {
		s.Idmp().Record(a.Pid, a.Iid, id, c.Now, idmpDropper(c, o))
		c.Batch().AddIdmp(o.UID, a.Pid, a.Iid, id, c.Now)
	}
	writeID(c.W, id)
	c.Dirty(1)
	c.Notify(evStream, "xadd", a.Key)
	if a.Trim.Strategy != trimNone && trimStream(c, o, &a.Trim) > 0 {
		c.Notify(evStream, "xtrim", a.Key)
	}
	putStreamMeta(c, o)
	c.Touch(a.Key)
	c.Signal(a.Key)
	return nil
}

// xaddDuplicate answers an XADD with IDMP or IDMPAUTO whose (producer,
// idempotent ID) o's stream still remembers: the ID of the entry that pair
// added, even if that entry was deleted or trimmed since (the map is kept
// by time and count only, and Redis documents the original ID as the
// reply). Nothing is added or trimmed and no event fires; only the
// duplicates counter moves, and it is recorded with the metadata, as are
// the iids the lookup expired. It reports whether it answered.
func xaddDuplicate(c *Ctx, o *Object, a *xaddArgs) bool {
	x := o.Stream.PeekIdmp()
	if x == nil {
		return false
	}
	id, ok := x.Lookup(a.Pid, a.Iid, c.Now, idmpDropper(c, o))
	if !ok {
		return false
	}
	x.Duplicate()
	putStreamMeta(c, o)
	writeID(c.W, id)
	return true
}

// idmpDropper records in the running command's batch each idempotent ID
// of o that expiry or eviction forgets.
func idmpDropper(c *Ctx, o *Object) stream.Dropped {
	return func(pid, iid string) { c.Batch().AddIdmpDel(o.UID, pid, iid) }
}
