package pel

import (
	"iter"
	"unsafe"

	"github.com/runnel-db/runnel/stream"
)

// Groups is the set of consumer groups of one stream, ordered by name in
// byte order, the order in which Redis iterates them (XINFO GROUPS). The zero
// value is an empty set.
type Groups struct {
	byName btree[name, *Group]
}

// Len returns the number of groups.
func (s *Groups) Len() int { return s.byName.Len() }

// Create adds a group called groupName whose cursor is lastID and
// entriesRead (UnknownEntriesRead when not given), as XGROUP CREATE does. It
// returns ErrGroupExists if the name is taken.
func (s *Groups) Create(groupName string, lastID stream.ID, entriesRead int64) (*Group, error) {
	if _, ok := s.byName.Get(name(groupName)); ok {
		return nil, ErrGroupExists
	}
	g := &Group{name: groupName, LastID: lastID, EntriesRead: entriesRead, groups: s, pel: newPELIndex()}
	s.byName.Set(name(groupName), g)
	return g, nil
}

// Get returns the group called groupName, or nil.
func (s *Groups) Get(groupName string) *Group {
	g, _ := s.byName.Get(name(groupName))
	return g
}

// GetBytes is Get for a name given as bytes, which it reads only during
// the call: the group commands look their group up straight from their
// arguments, without a string copy of the name. (The B-tree's generic
// comparisons make the compiler assume a looked-up key escapes, so
// Get(string(b)) allocates.)
func (s *Groups) GetBytes(groupName []byte) *Group {
	return s.Get(transientString(groupName))
}

// transientString returns a string sharing b's bytes, for a lookup that
// keeps nothing of it: b must not change while the string is in use.
func transientString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Destroy removes the group called groupName with its consumers and PEL, as
// XGROUP DESTROY does, and reports whether it existed. The removed Group is
// marked destroyed, so operations still holding it fail instead of writing
// into a group nobody can see.
func (s *Groups) Destroy(groupName string) bool {
	g, ok := s.byName.Delete(name(groupName))
	if ok {
		g.groups = nil
	}
	return ok
}

// All iterates over the groups in name order. Groups may be created or
// destroyed during the iteration; it continues after the last name yielded.
func (s *Groups) All() iter.Seq[*Group] {
	return func(yield func(*Group) bool) {
		cur := s.byName.SeekFirst()
		for {
			_, g, ok := cur.Next()
			if !ok || !yield(g) {
				return
			}
		}
	}
}
