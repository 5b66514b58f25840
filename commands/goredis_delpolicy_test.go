package commands

import (
	"context"
	"reflect"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestGoRedisDeletionPolicies drives Redis 8.2's deletion policies through
// go-redis's own methods (XDelEx, XAckDel, XAdd's Mode, XTrimMaxLenMode),
// which put the policy where the client library does: right after the key
// on XADD, after the threshold on XTRIM.
func TestGoRedisDeletionPolicies(t *testing.T) {
	_, addr := startServer(t)
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rdb.Close()

	for _, id := range []string{"1-0", "2-0", "3-0", "4-0"} {
		if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: id, Values: []string{"f", "v"}}).Err(); err != nil {
			t.Fatalf("XADD %s: %v", id, err)
		}
	}
	if err := rdb.XGroupCreate(ctx, "s", "g", "0").Err(); err != nil {
		t.Fatal(err)
	}
	// g is delivered 1-0 and 2-0; 3-0 and 4-0 are not delivered yet.
	if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", ">"}, Count: 2}).Err(); err != nil {
		t.Fatal(err)
	}
	codes := func(cmd *redis.SliceCmd) []int64 {
		t.Helper()
		vals, err := cmd.Result()
		if err != nil {
			t.Fatalf("%v: %v", cmd.Args(), err)
		}
		out := make([]int64, len(vals))
		for i, v := range vals {
			n, ok := v.(int64)
			if !ok {
				t.Fatalf("%v: element %d is %T, want an integer", cmd.Args(), i, v)
			}
			out[i] = n
		}
		return out
	}
	// ACKED: 1-0 is pending, 3-0 not delivered, 9-0 above the group's
	// last-delivered ID: all still referenced.
	if got, want := codes(rdb.XDelEx(ctx, "s", "ACKED", "1-0", "3-0", "9-0")), []int64{2, 2, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("XDELEX ACKED = %v, want %v", got, want)
	}
	// XACKDEL ACKED acknowledges 1-0, which no group references any more.
	if got, want := codes(rdb.XAckDel(ctx, "s", "g", "ACKED", "1-0", "3-0")), []int64{1, -1}; !reflect.DeepEqual(got, want) {
		t.Errorf("XACKDEL ACKED = %v, want %v", got, want)
	}
	// DELREF deletes 2-0 and its PEL record.
	if got, want := codes(rdb.XDelEx(ctx, "s", "DELREF", "2-0", "7-0")), []int64{1, -1}; !reflect.DeepEqual(got, want) {
		t.Errorf("XDELEX DELREF = %v, want %v", got, want)
	}
	if p, err := rdb.XPending(ctx, "s", "g").Result(); err != nil || p.Count != 0 {
		t.Errorf("XPENDING after DELREF: %+v %v, want nothing pending", p, err)
	}
	// XADD with ACKED and MAXLEN 1 keeps 3-0 and 4-0: g has not read them.
	if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "5-0", Mode: "ACKED", MaxLen: 1, Values: []string{"f", "v"}}).Err(); err != nil {
		t.Fatalf("XADD ACKED: %v", err)
	}
	if n, err := rdb.XLen(ctx, "s").Result(); err != nil || n != 3 {
		t.Errorf("XLEN after XADD ACKED MAXLEN 1: %d %v, want 3", n, err)
	}
	// Once g has read everything, XTRIM ACKED trims to 1.
	if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", ">"}, NoAck: true}).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := rdb.XTrimMaxLenMode(ctx, "s", 1, "ACKED").Result(); err != nil || n != 2 {
		t.Errorf("XTRIM MAXLEN 1 ACKED: %d %v, want 2", n, err)
	}
	if n, err := rdb.XLen(ctx, "s").Result(); err != nil || n != 1 {
		t.Errorf("XLEN after XTRIM ACKED: %d %v, want 1", n, err)
	}
}
