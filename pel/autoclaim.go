package pel

import (
	"math"

	"github.com/runnel-db/runnel/stream"
)

// AutoClaimResult is the outcome of Group.AutoClaim: XAUTOCLAIM's reply
// without the entry bodies.
type AutoClaimResult struct {
	// Next is the cursor for the following call: the first pending ID after
	// the last record the scan handled, or 0-0 when the scan reached the end
	// of the PEL.
	Next stream.ID
	// Claimed are the records now owned by the claimer, in ID order.
	Claimed []*Pending
	// Deleted are the IDs whose entries were gone from the stream and which
	// the scan removed from the PEL, in ID order.
	Deleted []stream.ID
}

// AutoClaim runs XAUTOCLAIM's scan as Redis 7.4 runs it, for the claimer c
// at now. It walks the group PEL from start, spending one attempt per record
// and count*10 attempts at most. A record whose entry is gone from the
// stream (exists reports false) is removed from the PEL, reported in
// Deleted and counts against count; a record idle at least minIdle
// milliseconds (any record when minIdle <= 0) is claimed as Claim does with
// delivery time now and, unless justID, count incremented, and counts
// against count; other records are skipped. The scan stops when count
// records were claimed or deleted, the attempts are spent or the PEL ends.
// count must be positive and exists not nil. c must be a live consumer of g (the caller
// creates it and sets its SeenTime first, as Redis does); otherwise the
// result is empty with ErrNotMember or ErrGroupDestroyed. c's ActiveTime
// becomes now when anything was claimed. What changed is c (when Claimed is
// not empty), the records in Claimed and the IDs in Deleted.
//
// The same loop can be written by the command layer from Seek,
// ClaimPending and Ack; this one is tested against redis-server's replies.
func (g *Group) AutoClaim(c *Consumer, start stream.ID, count int, minIdle int64, justID bool, now int64, exists func(stream.ID) bool) (AutoClaimResult, error) {
	var r AutoClaimResult
	if err := g.member(c); err != nil {
		return r, err
	}
	attempts := math.MaxInt
	if count <= math.MaxInt/10 {
		attempts = count * 10
	}
	o := ClaimOptions{MinIdle: minIdle, JustID: justID}
	cur := g.Seek(start)
	for attempts > 0 && count > 0 {
		attempts--
		p, ok := cur.Next()
		if !ok {
			break
		}
		if !exists(p.id) {
			g.unlink(p)
			r.Deleted = append(r.Deleted, p.id)
			count--
			continue
		}
		if g.claim(p, c, now, o) != nil {
			continue
		}
		r.Claimed = append(r.Claimed, p)
		count--
	}
	if p, ok := cur.Next(); ok {
		r.Next = p.id
	}
	return r, nil
}
