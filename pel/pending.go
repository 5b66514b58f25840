package pel

import "github.com/runnel-db/runnel/stream"

// Pending is one entry of a PEL: a stream entry delivered to a consumer and
// not yet acknowledged. The same record sits in the group's PEL and in its
// owner's PEL. Its fields change only through Group methods; a record that
// left the PEL (acknowledged, dropped with its consumer or its group) keeps
// its last values and has a nil Owner.
type Pending struct {
	id            stream.ID
	owner         *Consumer
	deliveryTime  int64
	deliveryCount uint64
	// nackSeq is the record's place in its group's NACK queue while it is
	// released (nack.go), 0 otherwise.
	nackSeq uint64
}

// ID returns the stream ID of the pending entry.
func (p *Pending) ID() stream.ID { return p.id }

// Owner returns the consumer the entry is pending for, or nil once the record
// left the PEL. A record released by XNACK (Nacked) belongs to the group's
// unowned pseudo-consumer, whose Name is "" and which is not one of the
// group's consumers.
func (p *Pending) Owner() *Consumer { return p.owner }

// DeliveryTime returns the Unix millisecond time of the last delivery (or
// the time XCLAIM's IDLE/TIME set).
func (p *Pending) DeliveryTime() int64 { return p.deliveryTime }

// DeliveryCount returns how many times the entry was delivered, as XPENDING
// reports it.
func (p *Pending) DeliveryCount() uint64 { return p.deliveryCount }

// Idle returns the milliseconds elapsed since the last delivery at time now,
// never negative, as XPENDING's extended form reports it.
func (p *Pending) Idle(now int64) int64 {
	return max(now-p.deliveryTime, 0)
}
