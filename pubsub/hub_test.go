package pubsub

import (
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
)

// recorder is a Receiver that keeps what it got as "kind pattern channel
// payload seq" lines.
type recorder struct {
	mu  sync.Mutex
	got []string
}

func (r *recorder) Receive(m *Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, fmt.Sprintf("%d %s %s %s %d", m.Kind, m.Pattern, m.Channel, m.Payload, m.Seq))
}

func (r *recorder) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

// check verifies the hub's indexes agree with its subscribers' own sets:
// every name a subscriber has lists it, and nothing else.
func check(t *testing.T, h *Hub, subs ...*Subscriber) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	active := 0
	for _, s := range subs {
		if s.total() > 0 {
			active++
		}
		for k := range s.names {
			for n := range s.names[k] {
				if _, ok := h.names[k][n][s]; !ok {
					t.Errorf("kind %d: %q missing subscriber in the hub", k, n)
				}
			}
		}
	}
	for k := range h.names {
		for n, set := range h.names[k] {
			if len(set) == 0 {
				t.Errorf("kind %d: %q kept with no subscribers", k, n)
			}
			for s := range set {
				if _, ok := s.names[k][n]; !ok {
					t.Errorf("kind %d: hub lists a subscriber for %q that does not have it", k, n)
				}
			}
		}
	}
	if len(h.patterns) != len(h.names[Pattern]) {
		t.Errorf("pattern list has %d entries, index %d", len(h.patterns), len(h.names[Pattern]))
	}
	if active != h.active {
		t.Errorf("active = %d, want %d", h.active, active)
	}
}

func TestSubscribeCounts(t *testing.T) {
	h := NewHub()
	s := h.NewSubscriber(&recorder{})
	steps := []struct {
		op    string
		k     Kind
		name  string
		ok    bool
		count int
	}{
		{"sub", Channel, "a", true, 1},
		{"sub", Channel, "a", false, 1}, // again: counted once
		{"sub", Pattern, "a*", true, 2}, // channels plus patterns
		{"sub", Shard, "a", true, 1},    // shard channels alone
		{"sub", Channel, "b", true, 3},
		{"unsub", Channel, "zz", false, 3},
		{"unsub", Channel, "a", true, 2},
		{"unsub", Pattern, "a*", true, 1},
		{"unsub", Shard, "a", true, 0},
	}
	for i, st := range steps {
		var ok bool
		var n int
		if st.op == "sub" {
			ok, n = s.Subscribe(st.k, []byte(st.name))
		} else {
			ok, n = s.Unsubscribe(st.k, []byte(st.name))
		}
		if ok != st.ok || n != st.count {
			t.Fatalf("step %d %s %d %q: got (%v, %d), want (%v, %d)", i, st.op, st.k, st.name, ok, n, st.ok, st.count)
		}
		check(t, h, s)
	}
	if got := h.Active(); got != 1 {
		t.Fatalf("Active = %d, want 1 (b is left)", got)
	}
	s.Close()
	check(t, h, s)
	if h.Active() != 0 || h.Len(Channel) != 0 {
		t.Fatalf("after Close: active %d, channels %d", h.Active(), h.Len(Channel))
	}
}

func TestNamesInSubscriptionOrder(t *testing.T) {
	h := NewHub()
	s := h.NewSubscriber(&recorder{})
	for _, n := range []string{"z", "a", "m", "b"} {
		s.Subscribe(Channel, []byte(n))
	}
	s.Unsubscribe(Channel, []byte("m"))
	if got, want := s.Names(Channel), []string{"z", "a", "b"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Names = %v, want %v", got, want)
	}
}

func TestPublishFanOut(t *testing.T) {
	h := NewHub()
	r1, r2, r3 := &recorder{}, &recorder{}, &recorder{}
	s1, s2, s3 := h.NewSubscriber(r1), h.NewSubscriber(r2), h.NewSubscriber(r3)
	s1.Subscribe(Channel, []byte("news.art"))
	s1.Subscribe(Pattern, []byte("news.*"))
	s1.Subscribe(Pattern, []byte("*.art"))
	s2.Subscribe(Pattern, []byte("news.*"))
	s3.Subscribe(Shard, []byte("news.art"))

	tests := []struct {
		k       Kind
		channel string
		want    int
	}{
		{Channel, "news.art", 4}, // s1 three times, s2 once
		{Channel, "news.tech", 2},
		{Channel, "other", 0},
		{Shard, "news.art", 1}, // patterns do not see shard channels
		{Shard, "news.tech", 0},
	}
	for i, tc := range tests {
		if got := h.Publish(tc.k, []byte(tc.channel), []byte("p"), uint64(i)); got != tc.want {
			t.Errorf("Publish(%d, %q) = %d, want %d", tc.k, tc.channel, got, tc.want)
		}
	}
	want1 := []string{
		"0  news.art p 0", "1 news.* news.art p 0", "1 *.art news.art p 0",
		"1 news.* news.tech p 1",
	}
	if got := r1.lines(); !reflect.DeepEqual(got, want1) {
		t.Errorf("s1 got %q, want %q", got, want1)
	}
	if got, want := r2.lines(), []string{"1 news.* news.art p 0", "1 news.* news.tech p 1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("s2 got %q, want %q", got, want)
	}
	if got, want := r3.lines(), []string{"2  news.art p 3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("s3 got %q, want %q", got, want)
	}
	check(t, h, s1, s2, s3)
}

func TestIntrospection(t *testing.T) {
	h := NewHub()
	s1, s2 := h.NewSubscriber(&recorder{}), h.NewSubscriber(&recorder{})
	s1.Subscribe(Channel, []byte("a1"))
	s1.Subscribe(Channel, []byte("b1"))
	s2.Subscribe(Channel, []byte("a1"))
	s2.Subscribe(Channel, []byte(""))
	s1.Subscribe(Pattern, []byte("a*"))
	s2.Subscribe(Pattern, []byte("a*"))
	s2.Subscribe(Shard, []byte("a1"))

	sorted := func(v []string) []string { sort.Strings(v); return v }
	if got, want := sorted(h.Channels(Channel, nil)), []string{"", "a1", "b1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Channels(nil) = %q, want %q", got, want)
	}
	if got, want := sorted(h.Channels(Channel, []byte("*"))), []string{"a1", "b1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Channels(*) = %q, want %q (\"*\" does not match the empty channel)", got, want)
	}
	if got, want := h.Channels(Shard, []byte("a?")), []string{"a1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Channels(Shard, a?) = %q, want %q", got, want)
	}
	if h.NumSub(Channel, []byte("a1")) != 2 || h.NumSub(Channel, []byte("zz")) != 0 || h.NumSub(Shard, []byte("a1")) != 1 {
		t.Errorf("NumSub wrong: %d %d %d", h.NumSub(Channel, []byte("a1")), h.NumSub(Channel, []byte("zz")), h.NumSub(Shard, []byte("a1")))
	}
	if h.Len(Pattern) != 1 || h.Len(Channel) != 3 || h.Len(Shard) != 1 {
		t.Errorf("Len: patterns %d channels %d shard %d", h.Len(Pattern), h.Len(Channel), h.Len(Shard))
	}
	if c, p, sh := s2.Counts(); c != 2 || p != 1 || sh != 1 {
		t.Errorf("s2.Counts = %d %d %d", c, p, sh)
	}
	s1.Close()
	s2.Unsubscribe(Pattern, []byte("a*"))
	if h.Len(Pattern) != 0 {
		t.Errorf("pattern kept after its last subscriber left")
	}
	check(t, h, s1, s2)
}

// TestConcurrent runs publishers and subscribers that come and go at once;
// with -race it checks the locking, and every subscriber that stays
// subscribed throughout must see every message of one publisher in order.
func TestConcurrent(t *testing.T) {
	h := NewHub()
	stay := &recorder{}
	st := h.NewSubscriber(stay)
	st.Subscribe(Pattern, []byte("ch*"))
	var wg sync.WaitGroup
	const n = 500
	for p := 0; p < 4; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				h.Publish(Channel, []byte(fmt.Sprintf("ch%d", p)), []byte("x"), uint64(i))
			}
		}()
	}
	var subs []*Subscriber
	var mu sync.Mutex
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n/10; i++ {
				s := h.NewSubscriber(&recorder{})
				s.Subscribe(Channel, []byte(fmt.Sprintf("ch%d", i%4)))
				s.Subscribe(Pattern, []byte("c?*"))
				h.Channels(Channel, []byte("ch*"))
				if i%2 == 0 {
					s.Close()
				}
				mu.Lock()
				subs = append(subs, s)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	check(t, h, append(subs, st)...)
	got := stay.lines()
	if len(got) != 4*n {
		t.Fatalf("steady subscriber got %d messages, want %d", len(got), 4*n)
	}
	last := map[string]int{}
	for _, l := range got {
		var kind, seq int
		var pat, ch, payload string
		fmt.Sscanf(l, "%d %s %s %s %d", &kind, &pat, &ch, &payload, &seq)
		if prev, ok := last[ch]; ok && seq != prev+1 {
			t.Fatalf("%s: message %d after %d", ch, seq, prev)
		}
		last[ch] = seq
	}
}
