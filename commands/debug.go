package commands

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/runnel-db/runnel/stream"
)

// DEBUG, the subcommands runnel has: HELP, OBJECT and SLEEP. The
// dispatcher runs DEBUG only where enable-debug-command allows it
// (Protected).

// debugHelp lists the DEBUG subcommands runnel has, in Redis's words.
var debugHelp = []string{
	"DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"OBJECT <key>",
	"    Show low level info about `key` and associated value.",
	"SLEEP <seconds>",
	"    Stop the server for <seconds>. Decimals allowed.",
}

// DEBUG HELP | DEBUG OBJECT key | DEBUG SLEEP seconds
func debugCmd(c *Ctx) error {
	switch {
	case EqualFold(c.Args[1], "help") && len(c.Args) == 2:
		writeHelp(c, debugHelp)
		return nil
	case EqualFold(c.Args[1], "object") && len(c.Args) == 3:
		return debugObject(c)
	case EqualFold(c.Args[1], "sleep") && len(c.Args) == 3:
		debugSleep(strtod(c.Args[2]))
		c.W.OK()
		return nil
	}
	return errSubcommandSyntax(c.Args[1], "debug")
}

// debugSleep holds the keyspace lock (the command's) for secs seconds,
// stalling every keyspace command as Redis's single thread stalls. As in
// Redis, which converts secs to a 64-bit count of microseconds, a value
// that is not positive, NaN, or too large for that count sleeps not at all.
func debugSleep(secs float64) {
	us := secs * 1e6
	if !(us >= 1) || us >= math.MaxInt64 {
		return
	}
	time.Sleep(time.Duration(us) * time.Microsecond)
}

// lruClockMask is Redis's LRU_CLOCK_MAX: the object LRU clock is the time
// in seconds modulo 2^24.
const lruClockMask = 1<<24 - 1

// debugObject answers DEBUG OBJECT key as Redis does for a stream:
//
//	Value at:<address> refcount:1 encoding:stream serializedlength:<n> lru:<clock> lru_seconds_idle:<s>
//
// The address is the Go object's; serializedlength is the size of the
// entries in runnel's own encoding (Redis reports its RDB encoding's, so
// the numbers differ); lru and lru_seconds_idle come from the time of the
// last command that looked the key up. DEBUG OBJECT itself does not count
// as an access.
func debugObject(c *Ctx) error {
	o := c.S.lookupNoTouch(c, c.DB, c.Args[2])
	if o == nil {
		return ErrNoSuchKey
	}
	access := o.access
	idle := (c.Now - access) / 1000
	if idle < 0 {
		idle = 0
	}
	c.W.Simple(fmt.Sprintf("Value at:%p refcount:1 encoding:stream serializedlength:%d lru:%d lru_seconds_idle:%d",
		o, serializedLen(o.Stream), (access/1000)&lruClockMask, idle))
	return nil
}

// serializedLen is the size of st's entries in runnel's encoding: per
// entry a 16-byte ID and each field with a length prefix.
func serializedLen(st *stream.Stream) int {
	n := 0
	st.Range(stream.Min, stream.Max, 0, func(_ stream.ID, fields [][]byte) bool {
		n += stream.IDLen
		for _, f := range fields {
			n += len(strconv.Itoa(len(f))) + len(f)
		}
		return true
	})
	return n
}

// strtod reads a number as C's strtod does when its end pointer is
// ignored: leading white space is skipped and the longest prefix that
// reads as a decimal or hexadecimal float, inf, infinity or nan gives the
// value; with no such prefix the value is 0 (so DEBUG SLEEP abc sleeps 0).
func strtod(b []byte) float64 {
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	start := i
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	neg := i > start && b[start] == '-'
	rest := b[i:]
	switch {
	case hasPrefixFold(rest, "inf"):
		return math.Copysign(math.Inf(1), sign(neg))
	case hasPrefixFold(rest, "nan"):
		return math.NaN()
	}
	hex := len(rest) > 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X') &&
		(isHexDigit(rest[2]) || (rest[2] == '.' && len(rest) > 3 && isHexDigit(rest[3])))
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	expMark := byte('e')
	j := 0
	if hex {
		isDigit, expMark, j = isHexDigit, 'p', 2
	}
	mant := 0
	for j < len(rest) && isDigit(rest[j]) {
		j, mant = j+1, mant+1
	}
	if j < len(rest) && rest[j] == '.' {
		j++
		for j < len(rest) && isDigit(rest[j]) {
			j, mant = j+1, mant+1
		}
	}
	if mant == 0 {
		return 0
	}
	end := j
	if j < len(rest) && (rest[j]|0x20) == expMark {
		k := j + 1
		if k < len(rest) && (rest[k] == '+' || rest[k] == '-') {
			k++
		}
		if k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
				k++
			}
			end = k
		}
	}
	text := string(b[start : i+end])
	if hex && end == j {
		text += "p0" // Go wants the exponent of a hexadecimal float
	}
	f, _ := strconv.ParseFloat(text, 64) // out of range gives ±Inf, as strtod's HUGE_VAL
	return f
}

func sign(neg bool) float64 {
	if neg {
		return -1
	}
	return 1
}

func isHexDigit(c byte) bool {
	return (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && EqualFold(b[:len(prefix)], prefix)
}
