package commands

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/runnel-db/runnel/persist"
)

// TestGoRedisReadAhead: go-redis pipelines large enough to reach the
// server in several reads (its write buffer is 32 KiB), under always, from
// several goroutines, while consumers block in XREADGROUP: every command
// gets its own reply, and the consumers get every entry once.
func TestGoRedisReadAhead(t *testing.T) {
	_, _, addr := startStored(t, persist.Always)
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, PoolSize: 8})
	defer rdb.Close()
	if err := rdb.XGroupCreateMkStream(ctx, "gr", "g", "$").Err(); err != nil {
		t.Fatal(err)
	}
	const producers, rounds, depth = 4, 3, 1500
	var consumed sync.Map
	var cwg sync.WaitGroup
	stop := make(chan struct{})
	for c := range 2 {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c" + strconv.Itoa(c),
					Streams: []string{"gr", ">"}, Count: 100, Block: 50 * time.Millisecond, NoAck: true}).Result()
				if err == redis.Nil {
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				for _, m := range res[0].Messages {
					if _, dup := consumed.LoadOrStore(m.ID, true); dup {
						t.Errorf("entry %s delivered twice", m.ID)
					}
				}
			}
		}()
	}
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := "gp" + strconv.Itoa(p)
			for r := range rounds {
				pipe := rdb.Pipeline()
				adds := make([]*redis.StringCmd, depth)
				for i := range adds {
					id := strconv.Itoa(r*depth+i+1) + "-1"
					adds[i] = pipe.XAdd(ctx, &redis.XAddArgs{Stream: key, ID: id, Values: []string{"pad", "0123456789abcdef0123456789"}})
					if i%50 == 0 {
						pipe.XAdd(ctx, &redis.XAddArgs{Stream: "gr", Values: []string{"p", key}})
					}
				}
				xlen := pipe.XLen(ctx, key)
				if _, err := pipe.Exec(ctx); err != nil {
					t.Error(err)
					return
				}
				for i, a := range adds {
					if want := strconv.Itoa(r*depth+i+1) + "-1"; a.Val() != want {
						t.Errorf("%s round %d: XADD %d = %q, want %q", key, r, i, a.Val(), want)
						return
					}
				}
				if xlen.Val() != int64((r+1)*depth) {
					t.Errorf("%s round %d: XLEN = %d", key, r, xlen.Val())
				}
			}
		}()
	}
	wg.Wait()
	want := producers * rounds * depth / 50
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		n := 0
		consumed.Range(func(any, any) bool { n++; return true })
		if n == want {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	cwg.Wait()
	n := 0
	consumed.Range(func(any, any) bool { n++; return true })
	if n != want {
		t.Fatalf("consumers got %d entries, want %d", n, want)
	}
}
