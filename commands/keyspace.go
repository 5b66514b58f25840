package commands

import (
	"math/rand/v2"
	"strconv"

	"github.com/runnel-db/runnel/glob"
)

// The generic keyspace commands. runnel stores streams only, so TYPE is
// "stream" for every key and SCAN TYPE matches "stream" alone.

func init() {
	ks := func(acl ...string) []string { return append([]string{"@keyspace"}, acl...) }
	register(
		&Command{Name: "del", Arity: -2, Flags: Write, FirstKey: 1, LastKey: -1, Step: 1, ACL: ks("@write", "@slow"),
			Tips: []string{"request_policy:multi_shard", "response_policy:agg_sum"}, KeySpecs: []KeySpec{rangeSpec(1, -1, "RM", "delete")},
			Handler: delCmd, Summary: "Deletes one or more keys.", Since: "1.0.0", Group: "generic", Complexity: "O(N) for N keys"},
		&Command{Name: "unlink", Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: -1, Step: 1, ACL: ks("@write", "@fast"),
			Tips: []string{"request_policy:multi_shard", "response_policy:agg_sum"}, KeySpecs: []KeySpec{rangeSpec(1, -1, "RM", "delete")},
			Handler: delCmd, Summary: "Asynchronously deletes one or more keys.", Since: "4.0.0", Group: "generic", Complexity: "O(1) for each key"},
		&Command{Name: "exists", Arity: -2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: -1, Step: 1, ACL: ks("@read", "@fast"),
			Tips: []string{"request_policy:multi_shard", "response_policy:agg_sum"}, KeySpecs: []KeySpec{rangeSpec(1, -1, "RO")},
			Handler: existsCmd, Summary: "Determines whether one or more keys exist.", Since: "1.0.0", Group: "generic", Complexity: "O(N) for N keys"},
		&Command{Name: "touch", Arity: -2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: -1, Step: 1, ACL: ks("@read", "@fast"),
			Tips: []string{"request_policy:multi_shard", "response_policy:agg_sum"}, KeySpecs: []KeySpec{rangeSpec(1, -1, "RO")},
			Handler: existsCmd, Summary: "Returns the number of existing keys out of those specified after updating the time they were last accessed.", Since: "3.2.1", Group: "generic", Complexity: "O(N) for N keys"},
		&Command{Name: "type", Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, ACL: ks("@read", "@fast"),
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RO")},
			Handler:  typeCmd, Summary: "Determines the type of value stored at a key.", Since: "1.0.0", Group: "generic", Complexity: "O(1)"},
		&Command{Name: "keys", Arity: 2, Flags: ReadOnly, ACL: ks("@read", "@slow", "@dangerous"),
			Tips:    []string{"request_policy:all_shards", "nondeterministic_output_order"},
			Handler: keysCmd, Summary: "Returns all key names that match a pattern.", Since: "1.0.0", Group: "generic", Complexity: "O(N) with N being the number of keys in the database"},
		&Command{Name: "scan", Arity: -2, Flags: ReadOnly, ACL: ks("@read", "@slow"),
			Tips:    []string{"nondeterministic_output", "request_policy:special"},
			Handler: scanCmd, Summary: "Iterates over the key names in the database.", Since: "2.8.0", Group: "generic", Complexity: "O(1) for every call. O(N) for a complete iteration."},
		&Command{Name: "randomkey", Arity: 1, Flags: ReadOnly, ACL: ks("@read", "@slow"),
			Tips:    []string{"request_policy:all_shards", "nondeterministic_output"},
			Handler: randomkeyCmd, Summary: "Returns a random key name from the database.", Since: "1.0.0", Group: "generic", Complexity: "O(1)"},
		&Command{Name: "dbsize", Arity: 1, Flags: ReadOnly | Fast, ACL: ks("@read", "@fast"),
			Tips:    []string{"request_policy:all_shards", "response_policy:agg_sum"},
			Handler: dbsizeCmd, Summary: "Returns the number of keys in the database.", Since: "1.0.0", Group: "server", Complexity: "O(1)"},
	)
}

// DEL key [key ...] / UNLINK key [key ...]
func delCmd(c *Ctx) error {
	n := 0
	for _, k := range c.Args[1:] {
		if c.Lookup(k) == nil {
			continue
		}
		if c.Delete(k) {
			n++
			c.Dirty(1)
			c.Notify(evGeneric, "del", k)
		}
	}
	c.W.Int(int64(n))
	return nil
}

// EXISTS key [key ...] / TOUCH key [key ...]: a key given twice counts
// twice. Only TOUCH counts as an access to the keys.
func existsCmd(c *Ctx) error {
	lookup := c.PeekRead
	if c.Cmd.Name == "touch" {
		lookup = c.LookupRead
	}
	n := 0
	for _, k := range c.Args[1:] {
		if lookup(k) != nil {
			n++
		}
	}
	c.W.Int(int64(n))
	return nil
}

// TYPE key
func typeCmd(c *Ctx) error {
	if c.PeekRead(c.Args[1]) == nil {
		c.W.Simple("none")
	} else {
		c.W.Simple("stream")
	}
	return nil
}

// KEYS pattern
func keysCmd(c *Ctx) error {
	pat := c.Args[1]
	all := len(pat) == 1 && pat[0] == '*'
	var out []string
	for k, o := range c.DB.keys {
		if o.Expire != 0 && o.Expire <= c.Now {
			continue
		}
		if all || glob.Match(pat, []byte(k), false) {
			out = append(out, k)
		}
	}
	// Expired keys are skipped, not removed: removing them here would
	// change the map under iteration; active expiry reclaims them.
	c.W.Array(len(out))
	for _, k := range out {
		c.W.BulkString(k)
	}
	return nil
}

// scanArgs is SCAN's parsed form.
type scanArgs struct {
	cursor  uint64
	count   int
	pattern []byte // nil matches everything
	typ     []byte // nil matches every type
}

// parseScanCursor reads a cursor as Redis's strtoul does: optional sign,
// decimal digits, nothing else; a '-' wraps modulo 2^64 and the empty
// string is 0.
func parseScanCursor(b []byte) (uint64, bool) {
	if len(b) > 0 && isSpaceByte(b[0]) {
		return 0, false
	}
	s := b
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) == 0 {
		// strtoul consumes nothing of "", "+" or "-": the cursor is 0 when
		// the argument is empty and an error otherwise.
		return 0, len(b) == 0
	}
	v, err := strconv.ParseUint(string(s), 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

func parseScan(args [][]byte) (scanArgs, error) {
	a := scanArgs{count: 10}
	cur, ok := parseScanCursor(args[1])
	if !ok {
		return a, ErrInvalidCursor
	}
	a.cursor = cur
	for i := 2; i < len(args); i += 2 {
		if i+1 >= len(args) {
			return a, ErrSyntax
		}
		v := args[i+1]
		switch {
		case EqualFold(args[i], "count"):
			n, ok := ParseInt(v)
			if !ok {
				return a, ErrNotInteger
			}
			if n < 1 {
				return a, ErrSyntax
			}
			if n > 1<<31 {
				n = 1 << 31
			}
			a.count = int(n)
		case EqualFold(args[i], "match"):
			if len(v) == 1 && v[0] == '*' {
				a.pattern = nil
			} else {
				a.pattern = v
			}
		case EqualFold(args[i], "type"):
			a.typ = v
		default:
			return a, ErrSyntax
		}
	}
	return a, nil
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
//
// The cursor is a position in the keys' hash order (keyindex.go), which
// guarantees Redis's contract: a key present from the first call to the
// last is returned. Like Redis, COUNT bounds the keys looked at, before
// MATCH and TYPE filter them, so a call may return fewer or none.
func scanCmd(c *Ctx) error {
	a, err := parseScan(c.Args)
	if err != nil {
		return err
	}
	keys, next := c.DB.scanIdx.scan(a.cursor, a.count, nil)
	// Every key is a stream: another TYPE (known to Redis or not, which
	// Redis also answers with nothing) filters out every key.
	otherType := a.typ != nil && !EqualFold(a.typ, "stream")
	out := keys[:0]
	for _, k := range keys {
		if otherType {
			break
		}
		if c.Lookup([]byte(k)) == nil {
			continue
		}
		if a.pattern != nil && !glob.Match(a.pattern, []byte(k), false) {
			continue
		}
		out = append(out, k)
	}
	c.W.Array(2)
	c.W.BulkString(strconv.FormatUint(next, 10))
	c.W.Array(len(out))
	for _, k := range out {
		c.W.BulkString(k)
	}
	return nil
}

// RANDOMKEY
func randomkeyCmd(c *Ctx) error {
	// Expired keys met on the way are removed, as Redis's lookup would;
	// give up after a bounded number of them, as Redis does.
	for tries := 0; tries < 100; tries++ {
		k, ok := c.DB.scanIdx.random(rand.Uint64())
		if !ok {
			break
		}
		if c.Peek([]byte(k)) != nil {
			c.W.BulkString(k)
			return nil
		}
	}
	c.W.Null()
	return nil
}

// DBSIZE counts every key, including ones that expired and were not yet
// reclaimed, as Redis does.
func dbsizeCmd(c *Ctx) error {
	c.W.Int(int64(c.DB.Len()))
	return nil
}
