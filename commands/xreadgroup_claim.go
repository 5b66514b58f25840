package commands

import (
	"github.com/runnel-db/runnel/pel"
	"github.com/runnel-db/runnel/resp"
	"github.com/runnel-db/runnel/stream"
)

// XREADGROUP's CLAIM option (Redis 8.4):
//
//	XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [CLAIM min-idle-time] [NOACK] STREAMS ...
//
// A '>' read first claims, for the caller, the group's pending entries (of
// any consumer) idle at least min-idle-time ms, most idle first, then reads
// new entries; both share the stream's COUNT. Each claim is an XCLAIM: new
// owner, delivery time now, delivery count + 1, recorded as the same
// PendingPut op. Every entry of the reply then has four elements: ID,
// fields, the idle time before the claim and the delivery count before the
// claim (0 and 0 for new entries). NOACK applies to new entries only;
// claimed ones stay pending. A read with an explicit ID ignores CLAIM, and
// XREAD refuses it.
//
// Where Redis's tests and documents say nothing, runnel chooses:
//   - COUNT is per stream, as it is for the rest of XREADGROUP.
//   - A pending entry whose stream entry was deleted or trimmed is dropped
//     from the PEL, as XCLAIM and XAUTOCLAIM drop it, and does not count
//     against COUNT (the reply has no place to report it).
//   - CLAIM given twice: the last value counts.
//
// A blocked CLAIM read is woken by new entries and also when its earliest
// pending entry becomes idle enough (armClaim and the waiter's claim timer
// in block.go).

// claimIdle claims the idle entries of g for cons as a's CLAIM asks,
// records the changes and returns the claims, most idle first.
func (a *xreadgroupArgs) claimIdle(c *Ctx, o *Object, g *pel.Group, cons *pel.Consumer) []pel.IdleClaim {
	s := o.Stream
	res, err := g.ClaimIdle(cons, a.MinIdle, countArg(a.Count), c.Now,
		func(id stream.ID) bool { _, ok := s.Get(id); return ok })
	if err != nil {
		// Only a consumer or group the command did not just look up could
		// fail here.
		return nil
	}
	for _, id := range res.Deleted {
		delPending(c, o, g, id)
	}
	for _, x := range res.Claimed {
		putPending(c, o, g, x.P)
	}
	c.Dirty(len(res.Claimed) + len(res.Deleted))
	return res.Claimed
}

// writeClaimed writes the claimed entries, each with its idle time and
// delivery count from before the claim. ClaimIdle checked that each entry
// is in s.
func writeClaimed(w *resp.Writer, s *stream.Stream, claimed []pel.IdleClaim) {
	for _, x := range claimed {
		fields, _ := s.Get(x.P.ID())
		writeClaimEntry(w, x.P.ID(), fields, x.Idle, x.Count)
	}
}

// writeClaimEntry writes one entry of a CLAIM read: [id, [field, value,
// ...], idle-ms, delivery-count].
func writeClaimEntry(w *resp.Writer, id stream.ID, fields [][]byte, idle int64, count uint64) {
	w.Array(4)
	writeID(w, id)
	w.Array(len(fields))
	for _, f := range fields {
		w.Bulk(f)
	}
	w.Int(idle)
	w.Uint(count)
}

// armClaim tells the blocking machinery, for a CLAIM read about to wait
// (or to keep waiting), when its earliest pending entry becomes idle
// enough: the Unix ms time of the soonest one over its '>' streams, none
// when no group has anything pending.
func (a *xreadgroupArgs) armClaim(c *Ctx, reads []groupRead) {
	if !a.Claim {
		return
	}
	c.claimRead = true
	var at int64
	for _, r := range reads {
		if r.history {
			continue
		}
		t, ok := r.g.ClaimableAt(a.MinIdle)
		if ok && (at == 0 || t < at) {
			at = t
		}
	}
	if at != 0 && at <= c.Now {
		// Claimable already yet not claimed (cannot happen after a full
		// run): look again in a millisecond rather than spin.
		at = c.Now + 1
	}
	c.claimAt = at
}
