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
