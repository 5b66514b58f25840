package commands

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestGoRedisXNack runs go-redis v9's XNack tests (commands_test.go,
// "should XNack with ...", written against Redis 8.8) against runnel, in
// RESP3 and RESP2, then takes the released entries back with a CLAIM read,
// whose idle times and counts go-redis parses.
func TestGoRedisXNack(t *testing.T) {
	_, addr := startServer(t)
	ctx := context.Background()
	for _, proto := range []int{3, 2} {
		rdb := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, MaxRetries: -1})
		defer rdb.Close()
		// go-redis's BeforeEach: three entries delivered to "consumer".
		setup := func() {
			t.Helper()
			rdb.Del(ctx, "stream")
			for _, id := range []string{"1-0", "2-0", "3-0"} {
				rdb.XAdd(ctx, &redis.XAddArgs{Stream: "stream", ID: id, Values: []string{"f", id}})
			}
			rdb.XGroupCreate(ctx, "stream", "group", "0")
			if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "group", Consumer: "consumer", Streams: []string{"stream", ">"}}).Err(); err != nil {
				t.Fatal(err)
			}
		}
		counts := func() map[string]int64 {
			t.Helper()
			ext, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "stream", Group: "group", Start: "-", End: "+", Count: 10}).Result()
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int64{}
			for _, e := range ext {
				if e.Consumer == "" {
					out[e.ID] = e.RetryCount
				}
			}
			return out
		}
		retry := uint64(5)
		tests := []struct {
			name      string
			args      redis.XNackArgs
			released  int64
			counts    map[string]int64 // of the released entries
			consumers map[string]int64 // XPENDING's summary
		}{
			{"SILENT", redis.XNackArgs{Mode: redis.XNackModeSilent, IDs: []string{"1-0", "2-0"}}, 2,
				map[string]int64{"1-0": 0, "2-0": 0}, map[string]int64{"consumer": 1}},
			{"FAIL", redis.XNackArgs{Mode: redis.XNackModeFail, IDs: []string{"1-0"}}, 1,
				map[string]int64{"1-0": 1}, map[string]int64{"consumer": 2}},
			{"FATAL", redis.XNackArgs{Mode: redis.XNackModeFatal, IDs: []string{"1-0"}}, 1,
				map[string]int64{"1-0": math.MaxInt64}, map[string]int64{"consumer": 2}},
			{"RetryCount", redis.XNackArgs{Mode: redis.XNackModeFail, IDs: []string{"1-0"}, RetryCount: &retry}, 1,
				map[string]int64{"1-0": 5}, map[string]int64{"consumer": 2}},
			{"Force", redis.XNackArgs{Mode: redis.XNackModeFail, IDs: []string{"1-0"}, Force: true}, 1,
				map[string]int64{"1-0": 1}, map[string]int64{"consumer": 2}},
		}
		for _, tt := range tests {
			setup()
			tt.args.Stream, tt.args.Group = "stream", "group"
			n, err := rdb.XNack(ctx, &tt.args).Result()
			if err != nil || n != tt.released {
				t.Fatalf("RESP%d %s: XNack = %d, %v", proto, tt.name, n, err)
			}
			sum, err := rdb.XPending(ctx, "stream", "group").Result()
			if err != nil || sum.Count != 3 || len(sum.Consumers) != len(tt.consumers) || sum.Consumers["consumer"] != tt.consumers["consumer"] {
				t.Errorf("RESP%d %s: XPending = %+v, %v", proto, tt.name, sum, err)
			}
			got := counts()
			if len(got) != len(tt.counts) {
				t.Errorf("RESP%d %s: released %v, want %v", proto, tt.name, got, tt.counts)
			}
			for id, c := range tt.counts {
				if got[id] != c {
					t.Errorf("RESP%d %s: %s count %d, want %d", proto, tt.name, id, got[id], c)
				}
			}
		}
		// "should not XNack with no mode".
		setup()
		if err := rdb.XNack(ctx, &redis.XNackArgs{Stream: "stream", Group: "group", IDs: []string{"1-0", "2-0"}}).Err(); err == nil || err.Error() != string(ErrXNackMode) {
			t.Errorf("RESP%d: XNack without a mode: %v", proto, err)
		}
		// "should XNack nacked-count reflected in XINFO STREAM FULL".
		if n := rdb.XNack(ctx, &redis.XNackArgs{Stream: "stream", Group: "group", Mode: redis.XNackModeFail, IDs: []string{"2-0", "1-0"}}).Val(); n != 2 {
			t.Fatalf("RESP%d: XNack = %d", proto, n)
		}
		full, err := rdb.XInfoStreamFull(ctx, "stream", 10).Result()
		if err != nil || len(full.Groups) != 1 || full.Groups[0].NackedCount != 2 || full.Groups[0].PelCount != 3 {
			t.Fatalf("RESP%d: XInfoStreamFull = %+v, %v", proto, full, err)
		}
		// The released entries come back first, in release order, to a
		// CLAIM read however long its min-idle-time.
		res, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "group", Consumer: "rescuer",
			Streams: []string{"stream", ">"}, Count: 10, Claim: time.Hour}).Result()
		if err != nil || len(res) != 1 || len(res[0].Messages) != 2 {
			t.Fatalf("RESP%d: CLAIM read = %+v, %v", proto, res, err)
		}
		for i, id := range []string{"2-0", "1-0"} {
			m := res[0].Messages[i]
			if m.ID != id || m.MillisElapsedFromDelivery != -1 || m.DeliveredCount != 1 {
				t.Errorf("RESP%d: claimed %+v, want %s idle -1 count 1", proto, m, id)
			}
		}
	}
}
