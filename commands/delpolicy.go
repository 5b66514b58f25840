package commands

import (
	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

// refPolicy is Redis 8.2's KEEPREF | DELREF | ACKED option: what deleting
// or trimming an entry does about the consumer groups still referencing it
// (pel.Groups.Referenced says which do).
//
//   - keepRef (the default, the behaviour before 8.2): delete the entry and
//     leave the PEL records naming it as they are (dangling, as after XDEL).
//   - delRef: delete the entry and remove it from every group's PEL.
//   - ackedRef: delete the entry only if no group references it; XDELEX and
//     XACKDEL answer 2 for one that stays, a trim steps over it.
type refPolicy uint8

const (
	keepRef refPolicy = iota
	delRef
	ackedRef
)

// parseRefPolicy reads a KEEPREF, DELREF or ACKED token in any case.
func parseRefPolicy(b []byte) (refPolicy, bool) {
	switch {
	case EqualFold(b, "keepref"):
		return keepRef, true
	case EqualFold(b, "delref"):
		return delRef, true
	case EqualFold(b, "acked"):
		return ackedRef, true
	}
	return keepRef, false
}

// isRefPolicy reports whether b is KEEPREF, DELREF or ACKED.
func isRefPolicy(b []byte) bool {
	_, ok := parseRefPolicy(b)
	return ok
}

// refPolicyArgDoc documents the option for COMMAND DOCS.
func refPolicyArgDoc() ArgDoc {
	return optional(oneof("condition",
		pureToken("keepref", "KEEPREF"), pureToken("delref", "DELREF"), pureToken("acked", "ACKED")))
}

// XDELEX's and XACKDEL's per-ID reply codes.
const (
	delexNoSuchID        = -1 // XDELEX: no such entry; XACKDEL: not pending in the group
	delexDeleted         = 1  // deleted (XACKDEL: acknowledged, and deleted unless gone already)
	delexStillReferenced = 2  // ACKED: kept, a group still references it
)

// delexArgs are the parsed [KEEPREF | DELREF | ACKED] IDS numids id [id ...]
// of XDELEX and XACKDEL.
type delexArgs struct {
	Policy refPolicy
	// IDs alias the command's arguments; they are parsed later, after the
	// key lookup, as Redis does.
	IDs [][]byte
}

// parseDelex parses XDELEX's (after the key) or XACKDEL's (after the
// group) options. As Redis's tests show, the options are read in a loop
// that goes on after the IDs, so the policy may follow the IDS block, an
// argument after the IDs that is no option is a syntax error ("IDS 1 1-1
// 2-2"), and so is a second policy, even the same one repeated
// ("KEEPREF DELREF IDS ..."). numids must be a positive integer (a word
// that is not a number gets the same text), no larger than the arguments
// left after it. A second IDS block replaces the first (the loop takes the
// last; Redis's tests do not cover it). Without an IDS block the tokens
// can only be policies, and arity leaves at least three of them, so a
// second policy has already failed with a syntax error: there is no
// "missing IDS" reply to reach.
func parseDelex(args [][]byte) (delexArgs, error) {
	var a delexArgs
	policySet, idsSet := false, false
	for i := 0; i < len(args); {
		opt := args[i]
		more := len(args) - 1 - i
		if p, ok := parseRefPolicy(opt); ok && !policySet {
			a.Policy, policySet = p, true
			i++
			continue
		}
		if more > 0 && EqualFold(opt, "ids") {
			n, ok := ParseInt(args[i+1])
			if !ok || n < 1 {
				return delexArgs{}, ErrNumIDs
			}
			if n > int64(more-1) {
				return delexArgs{}, ErrNumIDsMismatch
			}
			a.IDs, idsSet = args[i+2:i+2+int(n)], true
			i += 2 + int(n)
			continue
		}
		return delexArgs{}, ErrSyntax
	}
	if !idsSet {
		return delexArgs{}, ErrSyntax
	}
	return a, nil
}

// writeCodes writes an array of n copies of code: XDELEX's and XACKDEL's
// reply for a missing key (and XACKDEL's for a missing group).
func writeCodes(c *Ctx, n int, code int64) {
	c.W.Array(n)
	for range n {
		c.W.Int(code)
	}
}

// removeEntry deletes the live entry id from o's stream as XDEL does and
// records it: the entry's deletion mark, and the node's records when the
// deletion emptied it. The stream updates its length, first ID and max
// deleted ID. It reports whether there was such an entry.
func removeEntry(c *Ctx, o *Object, id stream.ID) bool {
	ok, dropped, gone := o.Stream.Remove(id)
	if !ok {
		return false
	}
	c.Batch().Add(persist.Op{Kind: persist.EntryDel, UID: o.UID, ID: id})
	if gone {
		recordDroppedNode(c, o, dropped)
	}
	return true
}

// endDeletes ends a command that deleted deleted entries of o's stream
// (key) as XDEL ends: the stream's metadata (length, first and max deleted
// ID) recorded, WATCH touched, one "xdel" event; nothing when none went.
func endDeletes(c *Ctx, o *Object, key []byte, deleted int) {
	if deleted == 0 {
		return
	}
	putStreamMeta(c, o)
	c.Touch(key)
	c.Notify(evStream, "xdel", key)
}

// dropRefs removes id from the PEL of every group of o (DELREF) and
// records each removal; it reports whether any group held it.
func dropRefs(c *Ctx, o *Object, id stream.ID) bool {
	return o.Groups.AckAll(id, func(g *pel.Group) { delPending(c, o, g, id) }) > 0
}
