package commands

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/runnel-db/runnel/pubsub"
)

// outputLimits is client-output-buffer-limit: a hard limit, a soft limit
// and the soft limit's seconds per client class, as Redis keeps them. Only
// the pubsub class bounds anything in runnel (a subscriber's outbox); the
// normal and replica classes are kept so CONFIG GET and SET round-trip
// what tools set.
type outputLimits struct {
	mu      sync.Mutex
	classes [3]pubsub.Limits // normal, slave, pubsub
}

// outputClasses are the class names in CONFIG GET's order; "replica" is
// accepted for "slave".
var outputClasses = [3]string{"normal", "slave", "pubsub"}

func newOutputLimits() *outputLimits {
	return &outputLimits{classes: [3]pubsub.Limits{
		{},
		{Hard: 256 << 20, Soft: 64 << 20, SoftFor: 60 * time.Second},
		pubsub.DefaultLimits,
	}}
}

// String is the value as CONFIG GET shows it.
func (o *outputLimits) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var b strings.Builder
	for i, l := range o.classes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(outputClasses[i])
		for _, n := range []int64{int64(l.Hard), int64(l.Soft), int64(l.SoftFor / time.Second)} {
			b.WriteByte(' ')
			b.WriteString(strconv.FormatInt(n, 10))
		}
	}
	return b.String()
}

// pubsubLimits returns the limits a new subscriber's outbox gets.
func (o *outputLimits) pubsubLimits() pubsub.Limits {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.classes[2]
}

// set applies a value checkOutputLimits accepted: the classes it names
// change, the others keep their limits, as in Redis.
func (o *outputLimits) set(v string) {
	f := strings.Fields(v)
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := 0; i+3 < len(f); i += 4 {
		class := outputClass(f[i])
		hard, _ := parseMemory(f[i+1])
		soft, _ := parseMemory(f[i+2])
		secs, _ := strconv.ParseInt(f[i+3], 10, 64)
		o.classes[class] = pubsub.Limits{Hard: int(hard), Soft: int(soft), SoftFor: time.Duration(secs) * time.Second}
	}
}

// outputClass returns the index of a class name, or -1.
func outputClass(name string) int {
	switch strings.ToLower(name) {
	case "normal":
		return 0
	case "slave", "replica":
		return 1
	case "pubsub":
		return 2
	}
	return -1
}

// checkOutputLimits validates client-output-buffer-limit with Redis's
// error texts: groups of class, hard, soft, soft seconds.
func checkOutputLimits(v string) (string, string) {
	f := strings.Fields(v)
	if len(f)%4 != 0 {
		return "", "Wrong number of arguments in buffer limit configuration."
	}
	for i := 0; i < len(f); i += 4 {
		if outputClass(f[i]) < 0 {
			return "", "Invalid client class specified in buffer limit configuration."
		}
		_, okHard := parseMemory(f[i+1])
		_, okSoft := parseMemory(f[i+2])
		secs, err := strconv.ParseInt(f[i+3], 10, 64)
		if !okHard || !okSoft || err != nil || secs < 0 {
			return "", "Error in hard, soft or soft_seconds setting in buffer limit configuration."
		}
	}
	return strings.Join(f, " "), ""
}
