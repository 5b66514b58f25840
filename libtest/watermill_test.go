package libtest

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"
	"github.com/runnel-db/runnel/commands"
)

// startRunnel runs an in-memory runnel server on a free loopback port.
func startRunnel(t *testing.T) string {
	t.Helper()
	s := commands.New(commands.Options{Bind: "127.0.0.1", Port: 0, Logf: func(string, ...any) {}})
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	t.Cleanup(func() { s.Close() })
	return s.Addr().String()
}

func newClient(t *testing.T, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true})
	t.Cleanup(func() { c.Close() })
	return c
}

func newSubscriber(t *testing.T, c *redis.Client, consumer string, cfg redisstream.SubscriberConfig) *redisstream.Subscriber {
	t.Helper()
	cfg.Client = c
	cfg.Consumer = consumer
	if cfg.ConsumerGroup == "" {
		cfg.ConsumerGroup = "workers"
	}
	cfg.OldestId = "0"
	cfg.DisableIndefiniteInitialBlock = true
	sub, err := redisstream.NewSubscriber(cfg, watermill.NopLogger{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sub.Close() })
	return sub
}

// publish sends n messages to topic through a Watermill publisher of its
// own client (closing a publisher closes its client) and returns their
// UUIDs in order.
func publish(t *testing.T, addr, topic string, n int) []string {
	t.Helper()
	pub, err := redisstream.NewPublisher(redisstream.PublisherConfig{Client: newClient(t, addr)}, watermill.NopLogger{})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	var uuids []string
	for i := 0; i < n; i++ {
		m := message.NewMessage(watermill.NewUUID(), []byte("payload-"+strconv.Itoa(i)))
		m.Metadata.Set("i", strconv.Itoa(i))
		if err := pub.Publish(topic, m); err != nil {
			t.Fatal(err)
		}
		uuids = append(uuids, m.UUID)
	}
	return uuids
}

// TestWatermillConsumerGroup publishes through Watermill's Redis Streams
// publisher and consumes with two subscribers of one consumer group: every
// message arrives exactly once, intact, and ends acknowledged.
func TestWatermillConsumerGroup(t *testing.T) {
	const n = 200
	addr := startRunnel(t)
	c := newClient(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var chans []<-chan *message.Message
	for i := 0; i < 2; i++ {
		sub := newSubscriber(t, newClient(t, addr), "sub"+strconv.Itoa(i), redisstream.SubscriberConfig{})
		ch, err := sub.Subscribe(ctx, "orders")
		if err != nil {
			t.Fatal(err)
		}
		chans = append(chans, ch)
	}
	sent := publish(t, addr, "orders", n)

	var mu sync.Mutex
	got := map[string]string{}
	perSub := make([]int, len(chans))
	var wg sync.WaitGroup
	done := make(chan struct{})
	for i, ch := range chans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				case m, ok := <-ch:
					if !ok {
						return
					}
					mu.Lock()
					if _, dup := got[m.UUID]; dup {
						t.Errorf("message %s delivered twice", m.UUID)
					}
					got[m.UUID] = string(m.Payload) + "/" + m.Metadata.Get("i")
					perSub[i]++
					full := len(got) == n
					mu.Unlock()
					m.Ack()
					if full {
						return
					}
				}
			}
		}()
	}
	deadline := time.After(20 * time.Second)
	for {
		mu.Lock()
		k := len(got)
		mu.Unlock()
		if k == n {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("received %d of %d messages", k, n)
		case <-time.After(10 * time.Millisecond):
		}
	}
	close(done)
	wg.Wait()
	for i, u := range sent {
		if want := "payload-" + strconv.Itoa(i) + "/" + strconv.Itoa(i); got[u] != want {
			t.Fatalf("message %d (%s) arrived as %q, want %q", i, u, got[u], want)
		}
	}
	t.Logf("messages per subscriber: %v", perSub)

	// Watermill acks after the handler's Ack: wait for the PEL to drain.
	waitPending(t, c, "orders", "workers", 0)
	groups, err := c.XInfoGroups(context.Background(), "orders").Result()
	if err != nil || len(groups) != 1 || groups[0].EntriesRead != n || groups[0].Lag != 0 {
		t.Fatalf("XINFO GROUPS: %+v, %v", groups, err)
	}
}

// waitPending waits until the group has want pending entries.
func waitPending(t *testing.T, c *redis.Client, stream, group string, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, err := c.XPending(context.Background(), stream, group).Result()
		if err != nil {
			t.Fatal(err)
		}
		if p.Count == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d pending, want %d", p.Count, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWatermillClaimsFromDeadSubscriber: a subscriber takes messages and
// goes away without acking them; another one of the group gets the messages
// nobody read with '>' and claims the dead one's after MaxIdleTime, through
// Watermill's XPENDING IDLE + XCLAIM loop.
func TestWatermillClaimsFromDeadSubscriber(t *testing.T) {
	const n = 5
	addr := startRunnel(t)
	c := newClient(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	sent := publish(t, addr, "tasks", n)
	// Watermill hands a subscription one message at a time, the next only
	// after an ack: the dead subscriber stops at the first one.
	deadCtx, kill := context.WithCancel(ctx)
	dead := newSubscriber(t, newClient(t, addr), "dead", redisstream.SubscriberConfig{})
	ch, err := dead.Subscribe(deadCtx, "tasks")
	if err != nil {
		t.Fatal(err)
	}
	var held string
	select {
	case m := <-ch:
		held = m.UUID
	case <-time.After(10 * time.Second):
		t.Fatal("the first subscriber got nothing")
	}
	kill()
	dead.Close()
	// Its read loop may have fetched the next message already; whatever it
	// took is pending for it.
	time.Sleep(100 * time.Millisecond)
	p, err := c.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "tasks", Group: "workers", Start: "-", End: "+", Count: 10}).Result()
	if err != nil || len(p) < 1 {
		t.Fatalf("PEL before the rescue: %+v, %v", p, err)
	}
	for _, x := range p {
		if x.Consumer != "dead" {
			t.Fatalf("PEL before the rescue: %+v", p)
		}
	}

	rescuer := newSubscriber(t, newClient(t, addr), "rescuer", redisstream.SubscriberConfig{
		MaxIdleTime: 200 * time.Millisecond, ClaimInterval: 100 * time.Millisecond,
	})
	ch, err = rescuer.Subscribe(ctx, "tasks")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for len(got) < n {
		select {
		case m := <-ch:
			got = append(got, m.UUID)
			m.Ack()
		case <-time.After(10 * time.Second):
			t.Fatalf("the rescuer got %d of %d messages", len(got), n)
		}
	}
	if !contains(got, held) {
		t.Fatalf("the dead subscriber's message %s was not claimed: %v", held, got)
	}
	sort.Strings(got)
	sort.Strings(sent)
	if fmt.Sprint(got) != fmt.Sprint(sent) {
		t.Fatalf("got %v, want %v", got, sent)
	}
	waitPending(t, c, "tasks", "workers", 0)
	cons, err := c.XInfoConsumers(context.Background(), "tasks", "workers").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range cons {
		if x.Pending != 0 {
			t.Fatalf("consumer %s still holds %d", x.Name, x.Pending)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestWatermillFanOut: without a consumer group Watermill reads with
// XREAD; every subscriber gets every message.
func TestWatermillFanOut(t *testing.T) {
	const n = 20
	addr := startRunnel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var chans []<-chan *message.Message
	for i := 0; i < 2; i++ {
		sub, err := redisstream.NewSubscriber(redisstream.SubscriberConfig{
			Client: newClient(t, addr), FanOutOldestId: "0", DisableIndefiniteInitialBlock: true,
		}, watermill.NopLogger{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sub.Close() })
		ch, err := sub.Subscribe(ctx, "news")
		if err != nil {
			t.Fatal(err)
		}
		chans = append(chans, ch)
	}
	sent := publish(t, addr, "news", n)
	for i, ch := range chans {
		for j := 0; j < n; j++ {
			select {
			case m := <-ch:
				if m.UUID != sent[j] {
					t.Fatalf("subscriber %d: message %d is %s, want %s", i, j, m.UUID, sent[j])
				}
				m.Ack()
			case <-time.After(10 * time.Second):
				t.Fatalf("subscriber %d got %d of %d", i, j, n)
			}
		}
	}
}
