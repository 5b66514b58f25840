package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestGoRedisPubSub drives runnel's Pub/Sub with go-redis's PubSub type in
// both protocols: Subscribe, PSubscribe, messages through Channel() to a
// client that sends nothing, keyspace events, CLIENT LIST's counts, and
// the cleanup when the subscriber goes away.
func TestGoRedisPubSub(t *testing.T) {
	_, addr := startServer(t)
	for _, proto := range []int{2, 3} {
		t.Run(map[int]string{2: "resp2", 3: "resp3"}[proto], func(t *testing.T) {
			ctx := context.Background()
			pubc := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto})
			defer pubc.Close()
			subc := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto})
			defer subc.Close()
			if err := pubc.ConfigSet(ctx, "notify-keyspace-events", "Et").Err(); err != nil {
				t.Fatal(err)
			}
			defer pubc.ConfigSet(ctx, "notify-keyspace-events", "")

			ps := subc.Subscribe(ctx, "news")
			if _, err := ps.Receive(ctx); err != nil { // the confirmation
				t.Fatal(err)
			}
			if err := ps.PSubscribe(ctx, "__keyevent@0__:*"); err != nil {
				t.Fatal(err)
			}
			ch := ps.Channel()
			// Wait until both subscriptions are in place.
			deadline := time.Now().Add(5 * time.Second)
			for pubc.PubSubNumPat(ctx).Val() != 1 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if n := pubc.Publish(ctx, "news", "hello").Val(); n != 1 {
				t.Fatalf("PUBLISH reached %d subscribers, want 1", n)
			}
			if err := pubc.XAdd(ctx, &redis.XAddArgs{Stream: "gr:s", ID: "1-1", Values: []string{"f", "v"}}).Err(); err != nil {
				t.Fatal(err)
			}
			want := []redis.Message{
				{Channel: "news", Payload: "hello"},
				{Channel: "__keyevent@0__:xadd", Pattern: "__keyevent@0__:*", Payload: "gr:s"},
			}
			for i, w := range want {
				select {
				case m := <-ch:
					if m.Channel != w.Channel || m.Pattern != w.Pattern || m.Payload != w.Payload {
						t.Fatalf("message %d = %+v, want %+v", i, *m, w)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("message %d never arrived; CLIENT LIST:\n%s\nXLEN %d", i, pubc.ClientList(ctx).Val(), pubc.XLen(ctx, "gr:s").Val())
				}
			}
			list := pubc.ClientList(ctx).Val()
			if !strings.Contains(list, "flags=P") || !strings.Contains(list, "sub=1 psub=1 ssub=0") {
				t.Fatalf("CLIENT LIST does not show the subscriber:\n%s", list)
			}
			if got := pubc.PubSubNumSub(ctx, "news").Val()["news"]; got != 1 {
				t.Fatalf("NUMSUB news = %d", got)
			}
			ps.Close()
			deadline = time.Now().Add(5 * time.Second)
			for pubc.PubSubNumSub(ctx, "news").Val()["news"] != 0 || pubc.PubSubNumPat(ctx).Val() != 0 {
				if time.Now().After(deadline) {
					t.Fatal("the closed subscriber's subscriptions stayed")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if n := pubc.Publish(ctx, "news", "late").Val(); n != 0 {
				t.Fatalf("PUBLISH after the subscriber left reached %d", n)
			}
			pubc.Del(ctx, "gr:s")
		})
	}
}
