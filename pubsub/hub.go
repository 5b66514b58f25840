package pubsub

import (
	"sort"
	"sync"

	"github.com/runnel-db/runnel/glob"
)

// Kind is a namespace of subscriptions.
type Kind uint8

// The namespaces.
const (
	// Channel is a plain channel: SUBSCRIBE, PUBLISH, "message".
	Channel Kind = iota
	// Pattern is a glob pattern over plain channels: PSUBSCRIBE,
	// "pmessage".
	Pattern
	// Shard is a shard channel: SSUBSCRIBE, SPUBLISH, "smessage".
	Shard
	numKinds
)

// Message is one delivery to one subscriber. Its byte slices belong to
// the publisher and are valid only during the Receive call: a Receiver
// that keeps them must copy them.
type Message struct {
	// Kind is Channel for a plain message, Pattern for a message that
	// reached the subscriber through Pattern, Shard for a shard message.
	Kind    Kind
	Pattern []byte
	Channel []byte
	Payload []byte
	// Seq is the publisher's sequence number, passed through unchanged.
	Seq uint64
}

// Receiver gets a subscriber's messages. Receive is called with the hub's
// lock held, in the hub's publication order; it must not block or call the
// hub.
type Receiver interface {
	Receive(m *Message)
}

// Hub holds every subscription. It is safe for concurrent use.
type Hub struct {
	mu sync.Mutex // guards everything below and every Subscriber's names
	// names maps each kind's subscribed names to their subscribers.
	names [numKinds]map[string]map[*Subscriber]struct{}
	// patterns lists the subscribed patterns in the order they were first
	// subscribed, so a subscriber matching several gets its pmessages in a
	// stable order.
	patterns [][]byte
	// active counts subscribers with at least one subscription.
	active int
	// serial orders each subscriber's names by subscription time.
	serial uint64
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	h := &Hub{}
	for k := range h.names {
		h.names[k] = map[string]map[*Subscriber]struct{}{}
	}
	return h
}

// Subscriber is one client's set of subscriptions.
type Subscriber struct {
	hub *Hub
	r   Receiver
	// names holds the subscribed names of each kind with the hub serial of
	// their subscription; guarded by hub.mu.
	names [numKinds]map[string]uint64
}

// NewSubscriber returns a subscriber with no subscriptions whose messages
// go to r.
func (h *Hub) NewSubscriber(r Receiver) *Subscriber {
	s := &Subscriber{hub: h, r: r}
	for k := range s.names {
		s.names[k] = map[string]uint64{}
	}
	return s
}

// total is the subscriber's number of subscriptions; the caller holds
// hub.mu.
func (s *Subscriber) total() int {
	return len(s.names[Channel]) + len(s.names[Pattern]) + len(s.names[Shard])
}

// count is what Redis reports after a (un)subscription of kind k: channels
// plus patterns, or shard channels alone. The caller holds hub.mu.
func (s *Subscriber) count(k Kind) int {
	if k == Shard {
		return len(s.names[Shard])
	}
	return len(s.names[Channel]) + len(s.names[Pattern])
}

// Subscribe adds name to the subscriber's subscriptions of kind k. It
// reports whether the name was new to the subscriber and returns the count
// Redis replies with: channels plus patterns for Channel and Pattern,
// shard channels for Shard.
func (s *Subscriber) Subscribe(k Kind, name []byte) (added bool, count int) {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := s.names[k][string(name)]; ok {
		return false, s.count(k)
	}
	key := string(name)
	if s.total() == 0 {
		h.active++
	}
	h.serial++
	s.names[k][key] = h.serial
	set := h.names[k][key]
	if set == nil {
		set = map[*Subscriber]struct{}{}
		h.names[k][key] = set
		if k == Pattern {
			h.patterns = append(h.patterns, []byte(key))
		}
	}
	set[s] = struct{}{}
	return true, s.count(k)
}

// Unsubscribe removes name from the subscriber's subscriptions of kind k.
// It reports whether the subscriber had it and returns the count after, as
// Subscribe does.
func (s *Subscriber) Unsubscribe(k Kind, name []byte) (removed bool, count int) {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	removed = s.unsubscribeLocked(k, string(name))
	return removed, s.count(k)
}

func (s *Subscriber) unsubscribeLocked(k Kind, key string) bool {
	h := s.hub
	if _, ok := s.names[k][key]; !ok {
		return false
	}
	delete(s.names[k], key)
	if s.total() == 0 {
		h.active--
	}
	set := h.names[k][key]
	delete(set, s)
	if len(set) == 0 {
		delete(h.names[k], key)
		if k == Pattern {
			for i, p := range h.patterns {
				if string(p) == key {
					h.patterns = append(h.patterns[:i], h.patterns[i+1:]...)
					break
				}
			}
		}
	}
	return true
}

// Names returns the subscriber's names of kind k in the order they were
// subscribed.
func (s *Subscriber) Names(k Kind) []string {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	return s.namesLocked(k)
}

func (s *Subscriber) namesLocked(k Kind) []string {
	out := make([]string, 0, len(s.names[k]))
	for n := range s.names[k] {
		out = append(out, n)
	}
	m := s.names[k]
	sort.Slice(out, func(i, j int) bool { return m[out[i]] < m[out[j]] })
	return out
}

// Count returns the count Redis reports for kind k (see Subscribe).
func (s *Subscriber) Count(k Kind) int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.count(k)
}

// Counts returns the subscriber's numbers of channels, patterns and shard
// channels (CLIENT LIST's sub=, psub=, ssub=).
func (s *Subscriber) Counts() (channels, patterns, shard int) {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return len(s.names[Channel]), len(s.names[Pattern]), len(s.names[Shard])
}

// Close removes every subscription of the subscriber; it receives nothing
// afterwards.
func (s *Subscriber) Close() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	for k := range s.names {
		for n := range s.names[k] {
			s.unsubscribeLocked(Kind(k), n)
		}
	}
}

// Publish delivers payload to the subscribers of channel in namespace k
// (Channel or Shard) and, for Channel, to the subscribers of every pattern
// that matches it, each subscriber once per subscription, in this order:
// the channel's subscribers, then each pattern's in the order the patterns
// were first subscribed. It returns the number of deliveries, PUBLISH's
// reply. seq is handed to the receivers in Message.Seq.
func (h *Hub) Publish(k Kind, channel, payload []byte, seq uint64) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	m := Message{Kind: k, Channel: channel, Payload: payload, Seq: seq}
	for s := range h.names[k][string(channel)] {
		s.r.Receive(&m)
		n++
	}
	if k != Channel {
		return n
	}
	for _, p := range h.patterns {
		if !glob.Match(p, channel, false) {
			continue
		}
		pm := Message{Kind: Pattern, Pattern: p, Channel: channel, Payload: payload, Seq: seq}
		for s := range h.names[Pattern][string(p)] {
			s.r.Receive(&pm)
			n++
		}
	}
	return n
}

// Channels returns the active names of namespace k (Channel or Shard)
// that match pattern, every one for a nil pattern (PUBSUB CHANNELS and
// SHARDCHANNELS), in no particular order.
func (h *Hub) Channels(k Kind, pattern []byte) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []string{}
	for n := range h.names[k] {
		if pattern == nil || glob.Match(pattern, []byte(n), false) {
			out = append(out, n)
		}
	}
	return out
}

// NumSub returns the number of subscribers of name in namespace k
// (PUBSUB NUMSUB and SHARDNUMSUB; patterns are not counted).
func (h *Hub) NumSub(k Kind, name []byte) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.names[k][string(name)])
}

// Len returns the number of distinct names subscribed in namespace k
// (INFO's pubsub_channels, pubsub_patterns, pubsubshard_channels; PUBSUB
// NUMPAT is Len(Pattern)).
func (h *Hub) Len(k Kind) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.names[k])
}

// Active returns the number of subscribers with at least one subscription
// (INFO clients' pubsub_clients).
func (h *Hub) Active() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.active
}
