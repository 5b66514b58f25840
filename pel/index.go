package pel

import (
	"strings"

	"github.com/runnel-db/runnel/stream"
)

// pelIndex is an ordered map from stream ID to pending record: the shape of
// a group's PEL and of a consumer's PEL. It is kept this small so that
// another ordered structure (a radix tree keyed by stream.ID's 16-byte
// encoding) can replace the B-tree behind it.
type pelIndex interface {
	Len() int
	Get(id stream.ID) (*Pending, bool)
	// Set stores p under id and returns the record it replaced.
	Set(id stream.ID, p *Pending) (*Pending, bool)
	Delete(id stream.ID) (*Pending, bool)
	Min() (stream.ID, *Pending, bool)
	Max() (stream.ID, *Pending, bool)
	// Seek returns a forward cursor at the first ID >= id. The cursor stays
	// usable across changes to the index and continues after the last ID
	// it returned.
	Seek(id stream.ID) pelCursor
	check() error
}

// pelCursor walks a pelIndex in ID order.
type pelCursor interface {
	Next() (stream.ID, *Pending, bool)
}

// btreePEL is the B-tree implementation of pelIndex.
type btreePEL struct {
	btree[stream.ID, *Pending]
}

func newPELIndex() pelIndex { return &btreePEL{} }

func (t *btreePEL) Seek(id stream.ID) pelCursor {
	c := t.btree.Seek(id)
	return &c
}

// name is a consumer or group name as a B-tree key, ordered by bytes as
// Redis's rax orders them.
type name string

// Compare orders names by their bytes.
func (a name) Compare(b name) int { return strings.Compare(string(a), string(b)) }
