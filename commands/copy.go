package commands

// COPY: a deep copy of a stream, with its groups, consumers and PEL, under
// another name or in another database. The copy is a new object with its
// own UID, written whole in the command's batch (whole.go).

func init() {
	register(
		&Command{Name: "copy", Arity: -3, Flags: Write | Denyoom, FirstKey: 1, LastKey: 2, Step: 1,
			ACL:      []string{"@keyspace", "@write", "@slow"},
			KeySpecs: []KeySpec{rangeSpec(1, 0, "RO", "access"), rangeSpec(2, 0, "OW", "update")},
			Handler:  copyCmd, Summary: "Copies the value of a key to a new key.", Since: "6.2.0", Group: "generic",
			Complexity: "O(N) worst case for collections, where N is the number of nested items. O(1) for string values."},
	)
}

// copyCmdArgs is COPY's parsed form.
type copyCmdArgs struct {
	src, dst []byte
	// db is the destination database, -1 for the current one.
	db      int
	replace bool
}

// parseCopy reads COPY's options in order, as Redis does: the first bad
// one decides the error, and a DB out of range fails before later
// options are looked at.
func parseCopy(args [][]byte) (copyCmdArgs, error) {
	a := copyCmdArgs{src: args[1], dst: args[2], db: -1}
	for j := 3; j < len(args); j++ {
		switch {
		case EqualFold(args[j], "replace"):
			a.replace = true
		case EqualFold(args[j], "db") && j+1 < len(args):
			v, ok := ParseInt(args[j+1])
			if !ok {
				return a, ErrNotInteger
			}
			if v < 0 || v >= NumDBs {
				return a, ErrDBIndex
			}
			a.db = int(v)
			j++
		default:
			return a, ErrSyntax
		}
	}
	return a, nil
}

// COPY source destination [DB destination-db] [REPLACE]
//
// The source's TTL goes with the copy. A destination that exists is
// replaced only with REPLACE (its old value dropped without a "del"
// event, as Redis does); otherwise the reply is 0.
func copyCmd(c *Ctx) error {
	a, err := parseCopy(c.Args)
	if err != nil {
		return err
	}
	dst := c.DB
	if a.db >= 0 {
		dst = c.S.dbs[a.db]
	}
	if dst == c.DB && string(a.src) == string(a.dst) {
		return ErrSameObject
	}
	o := c.LookupRead(a.src)
	if o == nil {
		c.W.Int(0)
		return nil
	}
	if c.S.lookup(c, dst, a.dst) != nil {
		if !a.replace {
			c.W.Int(0)
			return nil
		}
		c.S.deleteKey(dst, string(a.dst))
	}
	n := &Object{Stream: o.Stream.Clone(), Expire: o.Expire}
	if o.Groups != nil {
		n.Groups = o.Groups.Clone()
	}
	c.S.addWhole(dst, string(a.dst), n)
	c.S.notifyDB(evGeneric, "copy_to", dst.index, a.dst)
	c.Dirty(1)
	c.W.Int(1)
	return nil
}
