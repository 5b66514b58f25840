package commands

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestGoRedisXReadGroupClaim reads with go-redis v9's XReadGroupArgs.Claim,
// which sends CLAIM min-idle-time and parses the entries' idle time and
// delivery count, in RESP3 (go-redis's default) and RESP2.
func TestGoRedisXReadGroupClaim(t *testing.T) {
	_, addr := startServer(t)
	ctx := context.Background()
	for _, proto := range []int{3, 2} {
		rdb := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, MaxRetries: -1})
		defer rdb.Close()
		key := "jobs" + string(rune('0'+proto))
		if err := rdb.XGroupCreateMkStream(ctx, key, "workers", "$").Err(); err != nil {
			t.Fatal(err)
		}
		id1 := rdb.XAdd(ctx, &redis.XAddArgs{Stream: key, Values: []string{"job", "1"}}).Val()
		if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "crashed",
			Streams: []string{key, ">"}}).Err(); err != nil {
			t.Fatal(err)
		}
		// Make the entry look abandoned a minute ago.
		if err := rdb.Do(ctx, "XCLAIM", key, "workers", "crashed", "0", id1, "IDLE", "60000", "JUSTID").Err(); err != nil {
			t.Fatal(err)
		}
		id2 := rdb.XAdd(ctx, &redis.XAddArgs{Stream: key, Values: []string{"job", "2"}}).Val()

		res, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "rescuer",
			Streams: []string{key, ">"}, Count: 10, Claim: 30 * time.Second}).Result()
		if err != nil {
			t.Fatalf("RESP%d: %v", proto, err)
		}
		if len(res) != 1 || len(res[0].Messages) != 2 {
			t.Fatalf("RESP%d: reply %+v", proto, res)
		}
		claimed, fresh := res[0].Messages[0], res[0].Messages[1]
		if claimed.ID != id1 || claimed.Values["job"] != "1" || claimed.MillisElapsedFromDelivery < 60000 || claimed.DeliveredCount != 1 {
			t.Errorf("RESP%d: claimed entry %+v", proto, claimed)
		}
		if fresh.ID != id2 || fresh.Values["job"] != "2" || fresh.MillisElapsedFromDelivery != 0 || fresh.DeliveredCount != 0 {
			t.Errorf("RESP%d: new entry %+v", proto, fresh)
		}
		pending, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: key, Group: "workers", Start: "-", End: "+", Count: 10}).Result()
		if err != nil || len(pending) != 2 || pending[0].Consumer != "rescuer" || pending[0].RetryCount != 2 {
			t.Errorf("RESP%d: XPENDING %+v %v", proto, pending, err)
		}
	}
}
