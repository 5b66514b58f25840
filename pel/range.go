package pel

import "github.com/runnel-db/runnel/stream"

// Query selects pending records for a range scan, as XPENDING's extended
// form, XINFO STREAM FULL and XREADGROUP history reads ask for them.
type Query struct {
	// Start and End bound the IDs, both inclusive. The caller resolves "-",
	// "+" and the exclusive "(" forms first.
	Start, End stream.ID
	// Count caps the number of records returned; zero or negative means no
	// cap. (XPENDING with COUNT 0 returns nothing: the caller answers it
	// without a scan.)
	Count int
	// MinIdle, when not zero, skips records whose idle time at Now is less
	// than MinIdle milliseconds, as XPENDING's IDLE option does. Skipped
	// records are still scanned, so the cost is O(log N + scanned).
	MinIdle int64
	// Now is the command's time in Unix milliseconds, used with MinIdle.
	Now int64
}

// appendFrom runs the query over idx.
func (q Query) appendFrom(dst []*Pending, idx pelIndex) []*Pending {
	if q.End.Less(q.Start) {
		return dst
	}
	n := 0
	c := idx.Seek(q.Start)
	for q.Count <= 0 || n < q.Count {
		id, p, ok := c.Next()
		if !ok || q.End.Less(id) {
			break
		}
		// Redis compares the raw difference (no clamping) with IDLE.
		if q.MinIdle != 0 && q.Now-p.deliveryTime < q.MinIdle {
			continue
		}
		dst = append(dst, p)
		n++
	}
	return dst
}

// Cursor walks a PEL (a group's or a consumer's) in ID order. It remains
// valid while the PEL changes: after any insertion or removal it continues
// with the first ID greater than the last one it returned, in the PEL as it
// is now. That is what XAUTOCLAIM needs, which drops deleted entries from the
// PEL while it scans. Once Next reports false the cursor stays exhausted.
type Cursor struct {
	c pelCursor
}

// Next returns the next pending record, or false at the end of the PEL.
func (c *Cursor) Next() (*Pending, bool) {
	_, p, ok := c.c.Next()
	return p, ok
}
