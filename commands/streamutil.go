package commands

import (
	"math/bits"
	"slices"
	"strconv"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/resp"
	"github.com/runnel-db/runnel/stream"
)

// This file holds what the stream commands share: the special forms of IDs
// in arguments, the XADD/XTRIM trimming options, the persist ops that
// follow a change to a stream, and the reply shapes of entries.

// parseStrictID parses an ID argument where "-" and "+" are not allowed
// (XDEL, XSETID, MINID, the IDs of XREAD): "ms" or "ms-seq", a missing
// sequence being 0.
func parseStrictID(b []byte) (stream.ID, error) {
	id, ok := stream.ParseID(b, 0)
	if !ok {
		return stream.ID{}, ErrInvalidStreamID
	}
	return id, nil
}

// parseIntervalID parses a range bound as Redis's
// streamParseIntervalIDOrReply does: "-" and "+" for the smallest and
// largest IDs, an incomplete ID taking missingSeq as its sequence, and a
// leading "(" marking an exclusive bound (after which "-" and "+" are
// invalid).
func parseIntervalID(b []byte, missingSeq uint64) (id stream.ID, exclusive bool, err error) {
	if len(b) > 1 && b[0] == '(' {
		id, ok := stream.ParseID(b[1:], missingSeq)
		if !ok {
			return stream.ID{}, true, ErrInvalidStreamID
		}
		return id, true, nil
	}
	if len(b) == 1 {
		switch b[0] {
		case '-':
			return stream.Min, false, nil
		case '+':
			return stream.Max, false, nil
		}
	}
	id, ok := stream.ParseID(b, missingSeq)
	if !ok {
		return stream.ID{}, false, ErrInvalidStreamID
	}
	return id, false, nil
}

// parseRangeStart parses the start of an ID range: an exclusive start moves
// to the next ID, and has none after the largest ID.
func parseRangeStart(b []byte) (stream.ID, error) {
	id, ex, err := parseIntervalID(b, 0)
	if err != nil || !ex {
		return id, err
	}
	next, ok := id.Next()
	if !ok {
		return stream.ID{}, ErrInvalidStartID
	}
	return next, nil
}

// parseRangeEnd parses the end of an ID range: an incomplete end takes the
// largest sequence, and an exclusive end moves to the previous ID.
func parseRangeEnd(b []byte) (stream.ID, error) {
	id, ex, err := parseIntervalID(b, ^uint64(0))
	if err != nil || !ex {
		return id, err
	}
	prev, ok := id.Prev()
	if !ok {
		return stream.ID{}, ErrInvalidEndID
	}
	return prev, nil
}

// isToken reports whether b is the one-byte argument c ("~", "=", "*").
func isToken(b []byte, c byte) bool { return len(b) == 1 && b[0] == c }

// trimStrategy says how XADD or XTRIM trims a stream.
type trimStrategy uint8

const (
	trimNone trimStrategy = iota
	trimMaxLen
	trimMinID
)

// trimArgs are the parsed MAXLEN|MINID [=|~] threshold [LIMIT count]
// options.
type trimArgs struct {
	Strategy trimStrategy
	// Approx is set by "~": only whole nodes are removed.
	Approx bool
	MaxLen int64
	MinID  stream.ID
	// Limit is LIMIT's value as given; LimitGiven says whether it was.
	Limit      int64
	LimitGiven bool
	// Policy is Redis 8.2's KEEPREF | DELREF | ACKED option (keepRef when
	// not given): what the trim does about entries the groups reference.
	Policy refPolicy
}

// effectiveLimit returns the most entries one trim may remove (0: no
// limit), as Redis computes it: LIMIT when given, else for "~" a hundred
// nodes' worth, kept between 10,000 (when that is not positive) and
// 1,000,000, and no limit for an exact trim.
func (t *trimArgs) effectiveLimit(nodeMaxEntries int64) int64 {
	if t.LimitGiven {
		return t.Limit
	}
	if !t.Approx {
		return 0
	}
	l := 100 * nodeMaxEntries
	if nodeMaxEntries > 1<<53 || l <= 0 {
		l = 10000
	}
	if l > 1000000 {
		l = 1000000
	}
	return l
}

// addTrimArgs are the options XADD and XTRIM share, plus XADD's own.
type addTrimArgs struct {
	Trim trimArgs
	// NoMkStream, ID, IDGiven and SeqGiven are XADD's: ID is unset for "*",
	// and SeqGiven is false for "ms-*".
	NoMkStream        bool
	ID                stream.ID
	IDGiven, SeqGiven bool
	// IDPos is the index of XADD's ID argument (len(args) when there is
	// none).
	IDPos int
	// Idmp is XADD's IDMP (Pid and Iid given) or IDMPAUTO (Pid only)
	// option, Redis 8.6; Pid and Iid are copies, as the state keeps them.
	Idmp     idmpMode
	Pid, Iid string
}

// idmpMode says which idempotent-production option an XADD has.
type idmpMode uint8

const (
	idmpNone  idmpMode = iota
	idmpGiven          // IDMP producer-id idempotent-id
	idmpAuto           // IDMPAUTO producer-id
)

// parseAddOrTrim parses the options of XADD (xadd true) or XTRIM from
// args[2:], in Redis's order of checks. For XADD it stops at the ID
// argument.
func parseAddOrTrim(args [][]byte, xadd bool) (addTrimArgs, error) {
	var a addTrimArgs
	t := &a.Trim
	i := 2
loop:
	for ; i < len(args); i++ {
		more := len(args) - 1 - i
		opt := args[i]
		switch {
		case xadd && isToken(opt, '*'):
			break loop
		case more > 0 && (EqualFold(opt, "maxlen") || EqualFold(opt, "minid")):
			byLen := EqualFold(opt, "maxlen")
			if t.Strategy != trimNone {
				return a, ErrMaxLenAndMinID
			}
			t.Approx = false
			if next := args[i+1]; more >= 2 && isToken(next, '~') {
				t.Approx = true
				i++
			} else if more >= 2 && isToken(next, '=') {
				i++
			}
			i++
			if byLen {
				n, ok := ParseInt(args[i])
				if !ok {
					return a, ErrNotInteger
				}
				if n < 0 {
					return a, ErrMaxLenNegative
				}
				t.Strategy, t.MaxLen = trimMaxLen, n
			} else {
				id, err := parseStrictID(args[i])
				if err != nil {
					return a, err
				}
				t.Strategy, t.MinID = trimMinID, id
			}
		case more > 0 && EqualFold(opt, "limit"):
			n, ok := ParseInt(args[i+1])
			if !ok {
				return a, ErrNotInteger
			}
			if n < 0 {
				return a, ErrLimitNegative
			}
			t.Limit, t.LimitGiven = n, true
			i++
		case xadd && EqualFold(opt, "nomkstream"):
			a.NoMkStream = true
		case xadd && more >= 2 && EqualFold(opt, "idmp"):
			// The two words after IDMP are its arguments whatever they
			// are ("*" included), as in Redis.
			if a.Idmp != idmpNone {
				return a, ErrIdmpTwice
			}
			a.Idmp, a.Pid, a.Iid = idmpGiven, string(args[i+1]), string(args[i+2])
			if len(a.Pid) == 0 {
				return a, ErrIdmpEmptyPid
			}
			if len(a.Iid) == 0 {
				return a, ErrIdmpEmptyIid
			}
			i += 2
		case xadd && more >= 1 && EqualFold(opt, "idmpauto"):
			if a.Idmp != idmpNone {
				return a, ErrIdmpTwice
			}
			a.Idmp, a.Pid = idmpAuto, string(args[i+1])
			if len(a.Pid) == 0 {
				return a, ErrIdmpAutoEmptyPid
			}
			i++
		case isRefPolicy(opt):
			// Redis 8.2. Given more than once, the last one counts
			// (Redis's tests do not say otherwise). Accepted without a
			// trim strategy, where it does nothing (Redis's "XADD IDMP
			// with KEEPREF option" adds with KEEPREF alone).
			t.Policy, _ = parseRefPolicy(opt)
		case xadd:
			id, seqAuto, ok := stream.ParseStrictID(opt)
			if !ok {
				return a, ErrInvalidStreamID
			}
			a.ID, a.IDGiven, a.SeqGiven = id, true, !seqAuto
			break loop
		default:
			return a, ErrSyntax
		}
	}
	a.IDPos = i
	if a.Idmp != idmpNone && a.IDGiven {
		return a, ErrIdmpExplicitID
	}
	if t.Limit != 0 && t.Strategy == trimNone {
		return a, ErrLimitNoStrategy
	}
	if !xadd && t.Strategy == trimNone {
		return a, ErrXTrimNoStrategy
	}
	if t.LimitGiven && !t.Approx {
		return a, ErrLimitNoApprox
	}
	return a, nil
}

// trimStream trims o's stream as t says and records the removal; it
// returns the number of entries removed. The caller records the metadata.
//
// Under DELREF each live entry the trim removes also leaves every group's
// PEL; PEL records of entries deleted before (dangling ones) stay, as Redis's
// trim loop steps over tombstones before it looks at the policy. Under
// ACKED the trim steps over every entry a group references
// (pel.Groups.Referenced: above the smallest last-delivered ID, or pending
// somewhere) and goes on after it, so the entries removed need not be a
// prefix: they are recorded one by one, as XDEL's are. Without groups both
// policies trim as KEEPREF does.
func trimStream(c *Ctx, o *Object, t *trimArgs) int64 {
	limit := t.effectiveLimit(c.S.config.nodeMaxEntries.Load())
	policy := t.Policy
	if o.Groups == nil || o.Groups.Len() == 0 {
		policy = keepRef
	}
	var h stream.TrimHooks
	switch policy {
	case delRef:
		h.Removed = func(id stream.ID) { dropRefs(c, o, id) }
	case ackedRef:
		h.Above, h.HasAbove = o.Groups.MinLastID()
		h.Keep = o.Groups.AnyPending
		h.Removed = func(id stream.ID) {
			c.Batch().Add(persist.Op{Kind: persist.EntryDel, UID: o.UID, ID: id})
		}
		h.Dropped = func(span stream.Span) { recordDroppedNode(c, o, span) }
	}
	var n int64
	switch {
	case t.Strategy == trimMaxLen && policy == keepRef:
		n = o.Stream.TrimMaxLen(uint64(t.MaxLen), t.Approx, limit)
	case t.Strategy == trimMinID && policy == keepRef:
		n = o.Stream.TrimMinID(t.MinID, t.Approx, limit)
	case t.Strategy == trimMaxLen:
		n = o.Stream.TrimMaxLenWith(uint64(t.MaxLen), t.Approx, limit, h)
	case t.Strategy == trimMinID:
		n = o.Stream.TrimMinIDWith(t.MinID, t.Approx, limit, h)
	}
	if n > 0 && policy != ackedRef {
		recordTrimmedPrefix(c, o)
	}
	return n
}

// recordTrimmedPrefix records the deletion of every entry before the
// stream's first live one: trimming only ever removes a prefix, and the
// entries XDEL removed in it are already gone, so one range covers it.
func recordTrimmedPrefix(c *Ctx, o *Object) {
	s := o.Stream
	end, _, ok := s.First()
	if !ok {
		var more bool
		if end, more = s.LastID().Next(); !more {
			// The range end is exclusive: the largest ID goes on its own.
			end = stream.Max
			c.Batch().Add(persist.Op{Kind: persist.EntryDel, UID: o.UID, ID: stream.Max})
		}
	}
	// A first live entry at the largest ID is kept: the end is exclusive.
	c.Batch().Add(persist.Op{Kind: persist.EntryDelRange, UID: o.UID, ID: stream.Min, End: end, BeforeMax: ok && end == stream.Max})
}

// putStreamMeta records o's stream metadata after a change.
func putStreamMeta(c *Ctx, o *Object) {
	s := o.Stream
	c.Batch().AddStreamMeta(o.UID, persist.StreamMeta{
		LastID:       s.LastID(),
		MaxDeletedID: s.MaxDeletedID(),
		FirstID:      s.FirstID(),
		EntriesAdded: s.EntriesAdded(),
		Idmp:         idmpMeta(s),
	})
}

// idmpMeta returns the metadata record's share of s's idempotent-production
// state: nothing for a stream that never used it.
func idmpMeta(s *stream.Stream) persist.IdmpMeta {
	x := s.PeekIdmp()
	if x == nil {
		return persist.IdmpMeta{}
	}
	return persist.IdmpMeta{Duration: x.Duration, MaxSize: int64(x.MaxSize), Added: x.Added, Duplicates: x.Duplicates}
}

// writeID writes an ID as a bulk string without allocating. Its length is
// known from the digits, so the header is written first and the digits
// straight into place after it (every XADD reply and every entry read).
func writeID(w *resp.Writer, id stream.ID) {
	lm, ls := decimalLen(id.Ms), decimalLen(id.Seq)
	b := append(w.B, '$')
	b = strconv.AppendInt(b, int64(lm+1+ls), 10)
	b = append(b, '\r', '\n')
	at := len(b)
	b = slices.Grow(b, lm+ls+3)[:at+lm+ls+3]
	putDecimal(b[at:at+lm], id.Ms)
	b[at+lm] = '-'
	putDecimal(b[at+lm+1:at+lm+1+ls], id.Seq)
	b[at+lm+1+ls], b[at+lm+2+ls] = '\r', '\n'
	w.B = b
}

// decimalLen returns the number of decimal digits of x.
func decimalLen(x uint64) int {
	// An estimate from the bit length (log10(2) ~ 1233/4096), corrected
	// by one comparison.
	n := (bits.Len64(x) * 1233) >> 12
	if n < len(pow10) && x >= pow10[n] {
		n++
	}
	return max(n, 1)
}

// pow10 holds the powers of ten that fit in a uint64.
var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// putDecimal writes x in decimal into b, which is exactly decimalLen(x)
// bytes long, two digits at a time from the end.
func putDecimal(b []byte, x uint64) {
	i := len(b)
	for x >= 100 {
		q := x / 100
		d := 2 * (x - 100*q)
		i -= 2
		b[i], b[i+1] = digitPairs[d], digitPairs[d+1]
		x = q
	}
	if x >= 10 {
		b[i-2], b[i-1] = digitPairs[2*x], digitPairs[2*x+1]
	} else {
		b[i-1] = byte('0' + x)
	}
}

// digitPairs holds "00" to "99".
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// writeEntry writes one entry as Redis does: [id, [field, value, ...]].
func writeEntry(w *resp.Writer, id stream.ID, fields [][]byte) {
	w.Array(2)
	writeID(w, id)
	w.Array(len(fields))
	for _, f := range fields {
		w.Bulk(f)
	}
}

// writeRange writes the array of live entries with start <= ID <= end,
// ascending or (rev) descending, at most count of them (count <= 0: all),
// and returns how many it wrote. It reads the stream once, writing the
// array's length in front of the entries afterwards.
func writeRange(w *resp.Writer, s *stream.Stream, start, end stream.ID, count int, rev bool) int {
	mark := w.Len()
	n := 0
	emit := func(id stream.ID, fields [][]byte) bool {
		writeEntry(w, id, fields)
		n++
		return true
	}
	if rev {
		s.RevRange(end, start, count, emit)
	} else {
		s.Range(start, end, count, emit)
	}
	insertArrayHeader(w, mark, n)
	return n
}

// insertArrayHeader inserts the header of an n-element array at offset mark
// of w, in front of the elements written since.
func insertArrayHeader(w *resp.Writer, mark, n int) {
	var buf [24]byte
	h := append(buf[:0], '*')
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, '\r', '\n')
	body := len(w.B) - mark
	w.B = append(w.B, h...)
	copy(w.B[mark+len(h):], w.B[mark:mark+body])
	copy(w.B[mark:], h)
}

// countArg converts a parsed COUNT (negative: none given or "all") to the
// store's convention, where count <= 0 means no limit.
func countArg(n int64) int {
	if n <= 0 || n > int64(^uint(0)>>1) {
		return 0
	}
	return int(n)
}
