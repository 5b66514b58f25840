package commands

import (
	"io"
	"strconv"
	"sync/atomic"

	"github.com/runnel-db/runnel/pubsub"
	"github.com/runnel-db/runnel/resp"
)

// Keyspace notifications and the delivery of Pub/Sub messages to clients.
//
// # Ordering and durability
//
// A message is fanned out at once, where Redis would publish it: PUBLISH
// in its handler, a keyspace event at the point of the write it reports,
// under the keyspace lock, so every subscriber sees one order and the set
// of receivers is the one of that moment. Each message carries the commit
// sequence it must not be written before (pubSeq): a keyspace event, the
// sequence its command's batch is about to get; PUBLISH, the latest
// sequence handed out, as for a read. The client's outbox holds the message
// until the committer's durable watermark passes it, exactly as a woken
// blocked reader's reply waits, so no subscriber learns of a write a crash
// could lose.
//
// # Delivery
//
// Messages for a client go to its outbox (pubsub.Outbox). Between two of
// its commands the client's own goroutine moves them after the reply just
// written (handle, takePushes), so a message published by the client's own
// command comes after that command's reply, as in Redis 7.2 and later, and
// keeps its place before the next reply; messages queued while the
// connection was busy otherwise (between batches, or with replies held for
// their fsync) are moved before the next command runs. While the client is idle, or
// blocked, the outbox's goroutine writes them through resp.Interject, which
// waits for the connection to be between batches.

// pubSeq is the commit sequence a message published now must wait for.
// Under the keyspace lock with effects already in the running command's
// batch, that batch's sequence: finishLocked gives it the next one (only
// finishLocked hands sequences out, always under the lock). Otherwise
// the latest one handed out, which covers every write the publisher could
// have seen.
func (s *Server) pubSeq(locked bool) uint64 {
	n := s.commit.latest()
	if locked && (s.commit.changed() || s.notified) {
		n++
	}
	return n
}

// Notify publishes keyspace event event of class (evGeneric, evStream, ...)
// about key in the command's database, if notify-keyspace-events asks for
// it: "__keyspace@<db>__:<key>" gets event and "__keyevent@<db>__:<event>"
// gets key, as Redis's notifyKeyspaceEvent does. Handlers call it right
// after the change it reports, once it is in the batch. With notifications
// off it costs one atomic load.
func (c *Ctx) Notify(class int, event string, key []byte) {
	if f := c.S.config.notifyFlags.Load(); f&int64(class) != 0 {
		c.S.notifyKey(int(f), class, event, c.DB.index, key)
	}
}

// notifyDB is Notify for code that runs without a command's Ctx (active
// expiry, MOVE's target database); the caller holds the keyspace lock.
func (s *Server) notifyDB(class int, event string, db int, key []byte) {
	if f := s.config.notifyFlags.Load(); f&int64(class) != 0 {
		s.notifyKey(int(f), class, event, db, key)
	}
}

func (s *Server) notifyKey(flags, class int, event string, db int, key []byte) {
	// An event reports a write of the running command (its record may join
	// the batch only later, as a consumer's does): it waits for the
	// command's sequence, which finishLocked hands out even to an empty
	// batch once notified is set.
	s.notified = true
	seq := s.pubSeq(true)
	prefix := func(kind string) []byte {
		b := make([]byte, 0, 24+len(key)+len(event))
		b = append(b, "__key"...)
		b = append(b, kind...)
		b = append(b, '@')
		b = strconv.AppendInt(b, int64(db), 10)
		return append(b, "__:"...)
	}
	if flags&evKeyspace != 0 {
		s.hub.Publish(pubsub.Channel, append(prefix("space"), key...), []byte(event), seq)
	}
	if flags&evKeyevent != 0 {
		s.hub.Publish(pubsub.Channel, append(prefix("event"), event...), key, seq)
	}
}

// pushSink receives a client's messages: it encodes each in the client's
// protocol and queues it in the client's outbox.
type pushSink struct {
	out *pubsub.Outbox
	// proto mirrors the client's RESP version; the client's goroutine sets
	// it, Receive reads it on the publisher's.
	proto atomic.Int32
	// scratch is guarded by the hub's lock, under which Receive runs.
	scratch resp.Writer
}

// Receive implements pubsub.Receiver.
func (p *pushSink) Receive(m *pubsub.Message) {
	w := &p.scratch
	w.Reset()
	w.Proto = int(p.proto.Load())
	switch m.Kind {
	case pubsub.Pattern:
		w.Push(4)
		w.BulkString("pmessage")
		w.Bulk(m.Pattern)
	case pubsub.Shard:
		w.Push(3)
		w.BulkString("smessage")
	default:
		w.Push(3)
		w.BulkString("message")
	}
	w.Bulk(m.Channel)
	w.Bulk(m.Payload)
	p.out.Add(w.B, m.Seq)
}

// subscriber returns the client's subscriber, making it and its outbox on
// first use. Only the client's goroutine calls it.
func (c *Client) subscriber() *pubsub.Subscriber {
	if c.sub != nil {
		return c.sub
	}
	s := c.srv
	sink := c.pushSink(s.config.outputLimits.pubsubLimits())
	sub := s.hub.NewSubscriber(sink)
	c.mu.Lock() // CLIENT LIST reads sub
	c.sub = sub
	c.mu.Unlock()
	return sub
}

// pushSink returns the client's sink and outbox, making them with limits on
// first use (a subscription, MONITOR, CLIENT TRACKING or HELLO 3,
// whichever comes first). Only the client's goroutine calls it.
func (c *Client) pushSink(limits pubsub.Limits) *pushSink {
	if c.sink != nil {
		return c.sink
	}
	sink := &pushSink{}
	sink.proto.Store(int32(c.w.Proto))
	sink.out = pubsub.NewOutbox(limits, c.srv.deliverPushes(c), func() {
		// Over the output limits: Redis closes the client at once. This
		// runs under the publisher's locks: the log line waits for none.
		go c.srv.closeForOutputLimit(c, true)
	})
	c.mu.Lock() // CLIENT LIST reads sink (its outbox's backlog is omem)
	c.sink = sink
	c.mu.Unlock()
	c.srv.sinks.Add(1)
	return sink
}

// deliverPushes writes a client's queued messages while it runs no
// command, each chunk once what it shows is durable.
func (s *Server) deliverPushes(c *Client) pubsub.Deliver {
	return func(next func() ([]byte, uint64)) error {
		return resp.Interject(c.conn, func(w io.Writer) error {
			for {
				data, seq := next()
				if data == nil {
					return nil
				}
				if err := s.commit.wait(seq); err != nil {
					return err
				}
				if _, err := w.Write(data); err != nil {
					return err
				}
			}
		})
	}
}

// takePushes moves the messages queued for c behind the replies written
// so far, and makes the replies wait for what the messages show.
func (c *Client) takePushes(conn interface{ WriteRaw([]byte) }) {
	if c.sink == nil {
		return
	}
	data, seq := c.sink.out.Take()
	if len(data) == 0 {
		return
	}
	conn.WriteRaw(data)
	if seq > c.needSeq {
		c.needSeq = seq
	}
}

// closePubSub drops the client's subscriptions and queued messages (RESET
// keeps the outbox; a disconnect closes it too).
func (c *Client) closePubSub(disconnect bool) {
	if c.sub == nil {
		return
	}
	c.sub.Close()
	c.subCount, c.shardCount = 0, 0
	if disconnect {
		c.sink.out.Close()
	}
}
