package resp

import (
	"sync"
	"testing"
	"time"
)

// TestAgainstRedis replays the case table against a real redis-server and
// against a guard in front of redcon's and of this package's connection
// loop, and compares the raw bytes each sends back and whether each closes
// the connection.
func TestAgainstRedis(t *testing.T) {
	redisPlain := startRedis(t)
	redisAuth := startRedis(t, "--requirepass", testPassword)
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			againstRedis(t, redisPlain, redisAuth, srv.serve)
		})
	}
}

func againstRedis(t *testing.T, redisPlain, redisAuth string, serve serveFunc) {
	guardPlain := startGuardServerWith(t, "", serve)
	guardAuth := startGuardServerWith(t, testPassword, serve)

	type got struct {
		redis, guard           []byte
		redisState, guardState string
	}
	results := make([]got, len(guardCases))
	idle := 400 * time.Millisecond
	sem := make(chan struct{}, 12)
	var wg sync.WaitGroup
	for i, c := range guardCases {
		if c.notLive {
			continue
		}
		rAddr, gAddr := redisPlain, guardPlain
		if c.auth {
			rAddr, gAddr = redisAuth, guardAuth
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i].redis, results[i].redisState = exchange(t, rAddr, []byte(c.in), idle)
		}()
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i].guard, results[i].guardState = exchange(t, gAddr, []byte(c.in), idle)
		}()
	}
	wg.Wait()
	for i, c := range guardCases {
		if c.notLive {
			continue
		}
		r := results[i]
		t.Run(c.name, func(t *testing.T) {
			if string(r.redis) != string(r.guard) {
				t.Errorf("replies differ:\nredis %q\nguard %q", clip(string(r.redis)), clip(string(r.guard)))
			}
			if (r.redisState == "open") != (r.guardState == "open") {
				t.Errorf("redis left the connection %s, the guard %s", r.redisState, r.guardState)
			} else if r.redisState != r.guardState {
				t.Logf("both closed, redis with %s, the guard with %s", r.redisState, r.guardState)
			}
		})
	}
}
