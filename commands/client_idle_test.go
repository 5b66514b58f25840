package commands

import (
	"testing"
	"time"
)

// TestClientIdle checks CLIENT LIST's idle time as the lock-free record
// keeps it: since the connection was made until a command runs, then since
// the start of the last command.
func TestClientIdle(t *testing.T) {
	created := time.Now()
	c := &Client{created: created}
	for _, step := range []struct {
		name   string
		active time.Duration // when a command starts, after created; <0: none
		now    time.Duration
		want   time.Duration
	}{
		{"no command yet", -1, 2 * time.Second, 2 * time.Second},
		{"a command at 5s", 5 * time.Second, 8 * time.Second, 3 * time.Second},
		{"running now", 9 * time.Second, 9 * time.Second, 0},
		{"a later command", 20 * time.Second, 21500 * time.Millisecond, 1500 * time.Millisecond},
	} {
		if step.active >= 0 {
			c.markActive(created.Add(step.active))
		}
		if got := c.idle(created.Add(step.now)); got != step.want {
			t.Errorf("%s: idle %v, want %v", step.name, got, step.want)
		}
	}
}
