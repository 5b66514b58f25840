package commands

import (
	"bytes"
	"time"

	"github.com/runnel-db/runnel/rdb"
	"github.com/runnel-db/runnel/resp"
)

// MIGRATE moves keys to another Redis-protocol server (Redis 7.0+ or
// runnel) with RESTORE, in DUMP's payload format, and deletes them here
// once the target accepted them, unless COPY.
//
// Redis does the whole transfer inside its one thread. runnel must not hold
// the keyspace lock across network I/O, so the command runs in three
// steps: under the lock it dumps the keys and blocks its client (a keyless
// wait, as WAITAOF's); a goroutine talks to the target without the lock
// (migrate_conn.go); then, under the lock again, it deletes the keys the
// target acknowledged and replies. A key is deleted only if it still holds
// the object that was dumped, unchanged (same payload and TTL): a key
// written, renamed over or deleted meanwhile is kept here, so no write made
// during the transfer is lost. The reply is OK all the same, as the target
// has what was sent. Inside MULTI the transaction must stay atomic: there
// the transfer runs under the lock, stalling other clients for its
// duration, as Redis stalls every client.

func init() {
	register(&Command{Name: "migrate", Arity: -6, Flags: Write, FirstKey: 3, LastKey: 3, Step: 1,
		ACL:  []string{"@keyspace", "@write", "@slow", "@dangerous"},
		Tips: []string{"nondeterministic_output"},
		Keys: migrateKeys,
		KeySpecs: []KeySpec{rangeSpec(3, 0, "RW", "access", "delete"),
			{Flags: []string{"RW", "access", "delete", "incomplete"}, Keyword: "KEYS", StartFrom: -2, LastKey: -1, KeyStep: 1}},
		Handler: migrateCmd, Summary: "Atomically transfers a key from one Redis instance to another.", Since: "2.6.0", Group: "generic",
		Complexity: "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
		History: [][2]string{{"3.0.0", "Added the `COPY` and `REPLACE` options."}, {"3.0.6", "Added the `KEYS` option."},
			{"4.0.7", "Added the `AUTH` option."}, {"6.0.0", "Added the `AUTH2` option."}}})
}

// MIGRATE's own error texts (the I/O ones are in migrate_conn.go).
const (
	errMigrateKeysArg Error = "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string"
)

// migrateArgs is MIGRATE's parsed form. The strings are copies: the
// transfer outlives the command's arguments.
type migrateArgs struct {
	host, port string
	keys       []string
	db         int64
	// timeout is in milliseconds, never 0: Redis takes 0 or less as 1000.
	timeout       int64
	copy, replace bool
	// auth sends AUTH [user] pass first; user is empty for AUTH pass.
	auth       bool
	user, pass string
}

// parseMigrate reads MIGRATE's arguments in Redis's order: the options
// first (a syntax error, or KEYS with a key argument that is not empty,
// wins over a bad number), then the timeout, then the database. Everything
// after KEYS is a key, KEYS included.
func parseMigrate(args [][]byte) (migrateArgs, error) {
	a := migrateArgs{host: string(args[1]), port: string(args[2])}
	first, n := 3, 1
	for j := 6; j < len(args); j++ {
		more := len(args) - 1 - j
		switch {
		case EqualFold(args[j], "copy"):
			a.copy = true
		case EqualFold(args[j], "replace"):
			a.replace = true
		case EqualFold(args[j], "auth"):
			if more < 1 {
				return a, ErrSyntax
			}
			j++
			a.auth, a.pass = true, string(args[j])
		case EqualFold(args[j], "auth2"):
			if more < 2 {
				return a, ErrSyntax
			}
			a.auth, a.user, a.pass = true, string(args[j+1]), string(args[j+2])
			j += 2
		case EqualFold(args[j], "keys"):
			if len(args[3]) != 0 {
				return a, errMigrateKeysArg
			}
			first, n = j+1, len(args)-j-1
			j = len(args)
		default:
			return a, ErrSyntax
		}
	}
	timeout, ok := ParseInt(args[5])
	if !ok {
		return a, ErrNotInteger
	}
	db, ok := ParseInt(args[4])
	if !ok {
		return a, ErrNotInteger
	}
	if timeout <= 0 {
		timeout = 1000
	}
	a.timeout, a.db = timeout, db
	for _, k := range args[first : first+n] {
		a.keys = append(a.keys, string(k))
	}
	return a, nil
}

// migrateKeys returns the positions of MIGRATE's keys, as Redis's
// migrateGetKeys finds them: those after KEYS (AUTH and AUTH2 values are
// skipped, so a password "KEYS" is not taken for the option), none when
// KEYS comes with a key argument that is not empty; else the key
// argument.
func migrateKeys(args [][]byte) []int {
	if len(args) <= 3 {
		return nil
	}
	for i := 6; i < len(args); i++ {
		switch {
		case EqualFold(args[i], "auth"):
			i++
		case EqualFold(args[i], "auth2"):
			i += 2
		case EqualFold(args[i], "keys"):
			if len(args[3]) != 0 {
				return nil
			}
			var pos []int
			for k := i + 1; k < len(args); k++ {
				pos = append(pos, k)
			}
			return pos
		}
	}
	return []int{3}
}

// migrateKey is one key as dumped for the transfer.
type migrateKey struct {
	name    string
	obj     *Object
	payload []byte
	expire  int64
	// ttl is RESTORE's argument: the remaining milliseconds, 0 for none.
	ttl int64
}

// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
// [AUTH password | AUTH2 username password] [KEYS key [key ...]]
func migrateCmd(c *Ctx) error {
	a, err := parseMigrate(c.Args)
	if err != nil {
		return err
	}
	var ks []migrateKey
	for _, k := range a.keys {
		o := c.LookupRead([]byte(k))
		if o == nil {
			continue
		}
		var ttl int64
		if o.Expire != 0 {
			ttl = max(o.Expire-c.Now, 1)
		}
		ks = append(ks, migrateKey{name: k, obj: o, payload: rdb.Encode(o.Stream, o.Groups), expire: o.Expire, ttl: ttl})
	}
	if len(ks) == 0 {
		c.W.Simple("NOKEY")
		return nil
	}
	if c.InMulti {
		res := c.S.migrations.transfer(a, ks)
		return c.S.migrateFinish(c, a, ks, res)
	}
	if err := c.Block(nil, time.Time{}, false, nil, migrateGone); err != nil {
		return err
	}
	w := c.block
	w.pinned = true
	go c.S.migrateAsync(w, a, ks)
	return nil
}

// migrateGone is the reply of a MIGRATE whose wait ended before its
// transfer did, which happens only when the client goes away or the server
// shuts down (CLIENT UNBLOCK leaves it alone): nobody reads it.
func migrateGone(c *Ctx) { c.W.Error(string(errMigrateRead)) }

// migrateAsync runs the transfer for the MIGRATE waiting in w, then
// finishes it under the keyspace lock.
func (s *Server) migrateAsync(w *waiter, a migrateArgs, ks []migrateKey) {
	res := s.migrations.transfer(a, ks)
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx := &Ctx{S: s, C: w.c, Cmd: w.cmd, W: &w.c.w, DB: w.db, Now: nowMs()}
	if w.served {
		// The client left (or the server is stopping): the keys the
		// target took are still deleted, as the move happened.
		ctx.W = &resp.Writer{}
	}
	mark := ctx.W.Len()
	s.current = w.c // the deletions are its writes (NOLOOP)
	err := s.migrateFinish(ctx, a, ks, res)
	if err != nil {
		ctx.W.Truncate(mark)
		ctx.W.Error(err.Error())
	}
	seq := s.finishLocked(ctx)
	s.current = nil
	if w.served {
		return
	}
	w.served = true
	s.unregisterWaiter(w)
	s.stats.called(w.cmd, err, w.ran)
	w.seq = seq
	close(w.done)
}

// migrateFinish deletes, unless COPY, the keys the target acknowledged
// that still hold what was sent, and writes the reply. It runs under the
// keyspace lock.
func (s *Server) migrateFinish(c *Ctx, a migrateArgs, ks []migrateKey, res migrateResult) error {
	if !a.copy && res.anyAcked() && !s.shut.closing.Load() {
		if s.readOnly.Load() {
			return ErrPersistence
		}
		for i, k := range ks {
			if !res.acked[i] {
				continue
			}
			key := []byte(k.name)
			o := c.DB.keys[k.name]
			if o == nil || o != k.obj || o.Expire != k.expire || !bytes.Equal(rdb.Encode(o.Stream, o.Groups), k.payload) {
				continue
			}
			if c.Delete(key) {
				c.Dirty(1)
				c.Notify(evGeneric, "del", key)
			}
		}
	}
	if res.err != "" {
		return res.err
	}
	c.W.OK()
	return nil
}
