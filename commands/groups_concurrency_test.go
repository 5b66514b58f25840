package commands

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// groupClient returns a go-redis client of s speaking RESP2 (HELLO is
// another part of the code base) without the CLIENT SETINFO handshake.
func groupClient(t testing.TB, s *Server, poolSize int) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr: s.Addr().String(), Protocol: 2, DisableIdentity: true,
		PoolSize: poolSize, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
	})
	t.Cleanup(func() { c.Close() })
	return c
}

// TestGroupsConcurrency is issue 3's concurrency test: 8 consumers of one
// group read with BLOCK while 4 producers add 100,000 entries, and ack
// what they get. Every entry must be delivered to exactly one consumer and
// end acknowledged. Then a consumer "crashes" holding entries, and another
// recovers them with XAUTOCLAIM.
func TestGroupsConcurrency(t *testing.T) {
	const (
		producers   = 4
		consumers   = 8
		perProducer = 25000
		total       = producers * perProducer
	)
	if testing.Short() {
		t.Skip("100,000 entries")
	}
	s, _ := startServer(t)
	ctx := context.Background()
	admin := groupClient(t, s, 2)
	if err := admin.XGroupCreateMkStream(ctx, "jobs", "workers", "$").Err(); err != nil {
		t.Fatal(err)
	}

	var (
		mu        sync.Mutex
		deliverTo = make(map[string]string, total) // entry ID -> consumer
		produced  = make(map[string]bool, total)
		delivered atomic.Int64
		failure   error
	)
	fail := func(err error) {
		mu.Lock()
		if failure == nil {
			failure = err
		}
		mu.Unlock()
	}
	stop := make(chan struct{})

	var cwg sync.WaitGroup
	for i := 0; i < consumers; i++ {
		name := "c" + strconv.Itoa(i)
		cl := groupClient(t, s, 1)
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := cl.XReadGroup(ctx, &redis.XReadGroupArgs{
					Group: "workers", Consumer: name, Streams: []string{"jobs", ">"},
					Count: 100, Block: 100 * time.Millisecond,
				}).Result()
				if errors.Is(err, redis.Nil) {
					continue
				}
				if err != nil {
					fail(fmt.Errorf("%s XREADGROUP: %w", name, err))
					return
				}
				var ids []string
				for _, st := range res {
					for _, m := range st.Messages {
						ids = append(ids, m.ID)
					}
				}
				mu.Lock()
				for _, id := range ids {
					if prev, dup := deliverTo[id]; dup {
						failure = fmt.Errorf("%s delivered to %s and to %s", id, prev, name)
					}
					deliverTo[id] = name
				}
				mu.Unlock()
				n, err := cl.XAck(ctx, "jobs", "workers", ids...).Result()
				if err != nil || n != int64(len(ids)) {
					fail(fmt.Errorf("%s XACK of %d: %d, %v", name, len(ids), n, err))
					return
				}
				delivered.Add(int64(len(ids)))
			}
		}()
	}

	var pwg sync.WaitGroup
	for p := 0; p < producers; p++ {
		cl := groupClient(t, s, 1)
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			for i := 0; i < perProducer; i += 100 {
				pipe := cl.Pipeline()
				cmds := make([]*redis.StringCmd, 0, 100)
				for j := i; j < i+100 && j < perProducer; j++ {
					cmds = append(cmds, pipe.XAdd(ctx, &redis.XAddArgs{Stream: "jobs",
						Values: []string{"producer", strconv.Itoa(p), "n", strconv.Itoa(j)}}))
				}
				if _, err := pipe.Exec(ctx); err != nil {
					fail(fmt.Errorf("producer %d: %w", p, err))
					return
				}
				mu.Lock()
				for _, c := range cmds {
					produced[c.Val()] = true
				}
				mu.Unlock()
			}
		}()
	}
	pwg.Wait()

	deadline := time.Now().Add(40 * time.Second)
	for delivered.Load() < total && time.Now().Before(deadline) {
		mu.Lock()
		f := failure
		mu.Unlock()
		if f != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	cwg.Wait()
	if failure != nil {
		t.Fatal(failure)
	}
	if got := delivered.Load(); got != total {
		t.Fatalf("%d entries delivered and acked, want %d", got, total)
	}
	if len(produced) != total || len(deliverTo) != total {
		t.Fatalf("%d produced, %d delivered, want %d", len(produced), len(deliverTo), total)
	}
	perConsumer := map[string]int{}
	for id, c := range deliverTo {
		if !produced[id] {
			t.Fatalf("delivered %s, which no producer added", id)
		}
		perConsumer[c]++
	}
	t.Logf("deliveries per consumer: %v", perConsumer)
	if sum, err := admin.XPending(ctx, "jobs", "workers").Result(); err != nil || sum.Count != 0 {
		t.Fatalf("XPENDING after the run: %+v, %v", sum, err)
	}
	groups, err := admin.XInfoGroups(ctx, "jobs").Result()
	if err != nil || len(groups) != 1 || groups[0].EntriesRead != total || groups[0].Lag != 0 || groups[0].Pending != 0 {
		t.Fatalf("XINFO GROUPS after the run: %+v, %v", groups, err)
	}
	checkGroups(t, s)

	// A consumer takes 500 entries and dies before acking them.
	pipe := admin.Pipeline()
	for i := 0; i < 1000; i++ {
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: "jobs", Values: []string{"late", strconv.Itoa(i)}})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	crasher := redis.NewClient(&redis.Options{Addr: s.Addr().String(), Protocol: 2, DisableIdentity: true, PoolSize: 1})
	res, err := crasher.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "crasher",
		Streams: []string{"jobs", ">"}, Count: 500, Block: -1}).Result()
	if err != nil || len(res) != 1 || len(res[0].Messages) != 500 {
		t.Fatalf("crasher's read: %v", err)
	}
	held := map[string]bool{}
	for _, m := range res[0].Messages {
		held[m.ID] = true
	}
	crasher.Close()

	// The rescuer sweeps the PEL with XAUTOCLAIM until the cursor comes
	// back to 0-0, then acks what it recovered.
	rescuer := groupClient(t, s, 1)
	time.Sleep(20 * time.Millisecond)
	recovered := map[string]bool{}
	start := "0-0"
	for rounds := 0; ; rounds++ {
		msgs, next, err := rescuer.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: "jobs", Group: "workers",
			Consumer: "rescuer", MinIdle: 10 * time.Millisecond, Start: start, Count: 64}).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if recovered[m.ID] {
				t.Fatalf("XAUTOCLAIM returned %s twice", m.ID)
			}
			recovered[m.ID] = true
			if m.Values["late"] == nil {
				t.Fatalf("claimed %s without its body: %v", m.ID, m.Values)
			}
		}
		if next == "0-0" {
			break
		}
		if rounds > 100 {
			t.Fatal("XAUTOCLAIM cursor never came back to 0-0")
		}
		start = next
	}
	if len(recovered) != len(held) {
		t.Fatalf("recovered %d entries, the crasher held %d", len(recovered), len(held))
	}
	var ids []string
	for id := range recovered {
		if !held[id] {
			t.Fatalf("recovered %s, which the crasher did not hold", id)
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if n, err := rescuer.XAck(ctx, "jobs", "workers", ids...).Result(); err != nil || n != 500 {
		t.Fatalf("rescuer's XACK: %d, %v", n, err)
	}
	// The entries nobody read yet are still there for '>'.
	rest, err := rescuer.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "rescuer",
		Streams: []string{"jobs", ">"}, Block: -1}).Result()
	if err != nil || len(rest[0].Messages) != 500 {
		t.Fatalf("the unread rest: %v", err)
	}
	for _, m := range rest[0].Messages {
		rescuer.XAck(ctx, "jobs", "workers", m.ID)
	}
	cons, err := admin.XInfoConsumers(ctx, "jobs", "workers").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cons {
		if c.Pending != 0 {
			t.Fatalf("consumer %s still holds %d entries", c.Name, c.Pending)
		}
	}
	if sum, err := admin.XPending(ctx, "jobs", "workers").Result(); err != nil || sum.Count != 0 {
		t.Fatalf("XPENDING at the end: %+v, %v", sum, err)
	}
	checkGroups(t, s)
}
