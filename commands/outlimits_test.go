package commands

import (
	"testing"
	"time"

	"github.com/runnel-db/runnel/pubsub"
)

// TestOutputLimitsReachNewSubscribers: CONFIG SET client-output-buffer-limit
// changes the limits the next subscriber's outbox gets, merging the classes
// it names into the rest as Redis does.
func TestOutputLimitsReachNewSubscribers(t *testing.T) {
	f := newFake(t, Options{})
	if got := f.s.config.outputLimits.pubsubLimits(); got != pubsub.DefaultLimits {
		t.Fatalf("default pubsub limits %+v", got)
	}
	for _, tt := range []struct {
		set  string
		want pubsub.Limits
	}{
		{"pubsub 1kb 512 7", pubsub.Limits{Hard: 1024, Soft: 512, SoftFor: 7 * time.Second}},
		{"normal 1 2 3", pubsub.Limits{Hard: 1024, Soft: 512, SoftFor: 7 * time.Second}},
		{"PUBSUB 1mb 0 0", pubsub.Limits{Hard: 1 << 20}},
	} {
		if got := f.do("CONFIG", "SET", "client-output-buffer-limit", tt.set); got != "+OK\r\n" {
			t.Fatalf("CONFIG SET %q: %q", tt.set, got)
		}
		if got := f.s.config.outputLimits.pubsubLimits(); got != tt.want {
			t.Fatalf("after %q pubsub limits %+v, want %+v", tt.set, got, tt.want)
		}
	}
	if got, want := f.s.config.outputLimits.String(), "normal 1 2 3 slave 268435456 67108864 60 pubsub 1048576 0 0"; got != want {
		t.Fatalf("CONFIG GET value %q, want %q", got, want)
	}
}

// TestOverOutputLimit: the decision of Redis's
// checkClientOutputBufferLimits: at the hard limit at once; at the soft
// limit once every check for more than the soft seconds of the clock (in
// whole seconds) saw it there, a check under it starting over.
func TestOverOutputLimit(t *testing.T) {
	type check struct {
		usage, now int64
		over       bool
	}
	for _, tt := range []struct {
		name             string
		hard, soft, secs int64
		checks           []check
	}{
		{"hard", 100, 0, 0, []check{{99, 1000, false}, {100, 1000, true}}},
		{"soft 0 s: the next second", 0, 10, 0, []check{{10, 1000, false}, {50, 1000, false}, {10, 1001, true}}},
		{"soft 3 s", 0, 10, 3, []check{{10, 1000, false}, {10, 1003, false}, {10, 1004, true}}},
		{"soft starts over under it", 0, 10, 3, []check{{10, 1000, false}, {9, 1002, false}, {10, 1003, false}, {10, 1006, false}, {10, 1007, true}}},
		{"both", 100, 10, 60, []check{{50, 1000, false}, {100, 1001, true}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var l classLimits
			l.hard.Store(tt.hard)
			l.soft.Store(tt.soft)
			l.softSecs.Store(tt.secs)
			c := &Client{}
			for i, ch := range tt.checks {
				if got := c.overOutputLimit(ch.usage, &l, ch.now); got != ch.over {
					t.Fatalf("check %d (%d bytes at %d s) over = %v, want %v", i, ch.usage, ch.now, got, ch.over)
				}
			}
		})
	}
}
