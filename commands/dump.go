package commands

import (
	"errors"

	"github.com/runnel-db/runnel/rdb"
)

// DUMP and RESTORE, in Redis's payload format (package rdb), so that a
// stream moves between Redis and runnel either way. runnel keeps streams
// only: RESTORE of any other type is refused as a payload it cannot read.
//
// A stream's idempotent-production state (Redis 8.6's XADD IDMP, XCFGSET)
// is not in the payload: Redis 8.6 keeps it in its RDB encoding, whose
// layout for it is not documented, so DUMP leaves it out and a RESTOREd
// stream starts with the defaults and no iids. COPY keeps it.

func init() {
	ks := func(acl ...string) []string { return append([]string{"@keyspace"}, acl...) }
	register(
		&Command{Name: "dump", Arity: 2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, ACL: ks("@read", "@slow"),
			Tips: []string{"nondeterministic_output"}, KeySpecs: []KeySpec{rangeSpec(1, 0, "RO", "access")},
			Handler: dumpCmd, Summary: "Returns a serialized representation of the value stored at a key.", Since: "2.6.0", Group: "generic",
			Complexity: "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1)."},
		&Command{Name: "restore", Arity: -4, Flags: Write | Denyoom, FirstKey: 1, LastKey: 1, Step: 1, ACL: ks("@write", "@slow", "@dangerous"),
			KeySpecs: []KeySpec{rangeSpec(1, 0, "OW", "update")},
			Handler:  restoreCmd, Summary: "Creates a key from the serialized representation of a value.", Since: "2.6.0", Group: "generic",
			Complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
			History:    [][2]string{{"3.0.0", "Added the `REPLACE` modifier."}, {"5.0.0", "Added the `ABSTTL` modifier."}, {"5.0.0", "Added the `IDLETIME` and `FREQ` options."}}},
	)
}

// RESTORE's error texts.
const (
	ErrBusyKey           Error = "BUSYKEY Target key name already exists."
	ErrRestoreTTL        Error = "ERR Invalid TTL value, must be >= 0"
	ErrRestoreIdle       Error = "ERR Invalid IDLETIME value, must be >= 0"
	ErrRestoreFreq       Error = "ERR Invalid FREQ value, must be >= 0 and <= 255"
	ErrDumpPayload       Error = "ERR DUMP payload version or checksum are wrong"
	ErrDumpPayloadFormat Error = "ERR Bad data format"
)

// DUMP key
func dumpCmd(c *Ctx) error {
	o := c.LookupRead(c.Args[1])
	if o == nil {
		c.W.Null()
		return nil
	}
	c.W.Bulk(rdb.Encode(o.Stream, o.Groups))
	return nil
}

// restoreArgs is RESTORE's parsed form; idle and freq are -1 when not
// given.
type restoreArgs struct {
	replace, absTTL bool
	idle, freq      int64
}

// parseRestoreOptions reads the options after the payload in order, as
// Redis does: IDLETIME and FREQ exclude each other (the second is a
// syntax error), and each value is checked when it is read.
func parseRestoreOptions(args [][]byte) (restoreArgs, error) {
	a := restoreArgs{idle: -1, freq: -1}
	for j := 0; j < len(args); j++ {
		more := len(args) - j - 1
		switch {
		case EqualFold(args[j], "replace"):
			a.replace = true
		case EqualFold(args[j], "absttl"):
			a.absTTL = true
		case EqualFold(args[j], "idletime") && more >= 1 && a.freq == -1:
			v, ok := ParseInt(args[j+1])
			if !ok {
				return a, ErrNotInteger
			}
			if v < 0 {
				return a, ErrRestoreIdle
			}
			a.idle = v
			j++
		case EqualFold(args[j], "freq") && more >= 1 && a.idle == -1:
			v, ok := ParseInt(args[j+1])
			if !ok {
				return a, ErrNotInteger
			}
			if v < 0 || v > 255 {
				return a, ErrRestoreFreq
			}
			a.freq = v
			j++
		default:
			return a, ErrSyntax
		}
	}
	return a, nil
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds]
// [FREQ frequency]
//
// The checks come in Redis's order: options, BUSYKEY, the TTL, the
// payload's footer, then its contents. A TTL already past leaves no key
// (only the old one deleted, with REPLACE), and the reply is still OK.
func restoreCmd(c *Ctx) error {
	a, err := parseRestoreOptions(c.Args[4:])
	if err != nil {
		return err
	}
	key := c.Args[1]
	if !a.replace && c.Lookup(key) != nil {
		return ErrBusyKey
	}
	ttl, ok := ParseInt(c.Args[2])
	if !ok {
		return ErrNotInteger
	}
	if ttl < 0 {
		return ErrRestoreTTL
	}
	v, err := rdb.Decode(c.Args[3], c.S.streamConfig())
	if err != nil {
		if errors.Is(err, rdb.ErrVersionOrChecksum) {
			return ErrDumpPayload
		}
		return ErrDumpPayloadFormat
	}
	deleted := a.replace && c.Lookup(key) != nil && c.Delete(key)
	if ttl != 0 && !a.absTTL {
		ttl += c.Now
	}
	if ttl != 0 && ttl <= c.Now {
		if deleted {
			c.Dirty(1)
			c.Notify(evGeneric, "del", key)
		}
		c.W.OK()
		return nil
	}
	o := &Object{Stream: v.Stream, Groups: v.Groups, Expire: ttl}
	c.S.addWhole(c.DB, string(key), o)
	now := c.Now
	switch {
	case c.S.config.lfu.Load():
		if a.freq >= 0 {
			o.freq, o.freqAt = uint8(a.freq), lfuMinutes(now)
			o.lfuAsAccess(now)
		}
	case a.idle >= 0:
		o.lruStart(now - restoreIdle(now, a.idle)*1000)
	}
	c.Notify(evGeneric, "restore", key)
	c.Dirty(1)
	c.W.OK()
	return nil
}

// restoreIdle is the idle time in seconds that IDLETIME idle leaves on
// Redis's 24-bit LRU clock, as redis-server 7.0.15 computes it (measured:
// an idle past the clock's value gives idle mod 2^24, not a fixed
// half-range): the access stamp is clock - idle, plus the clock's maximum
// once if that is negative, cut to 24 bits as Redis's bit field cuts it;
// OBJECT IDLETIME then reads the clock's distance back to the stamp.
func restoreIdle(nowMs, idle int64) int64 {
	clock := (nowMs / 1000) & lruClockMask
	abs := clock - idle
	if abs < 0 {
		abs += lruClockMask
	}
	stamp := abs & lruClockMask // two's complement: a negative one wraps
	if clock >= stamp {
		return clock - stamp
	}
	return clock + lruClockMask - stamp
}
