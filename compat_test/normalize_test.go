package compat_test

import (
	"bytes"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Normalisation makes the replies of two servers comparable where they
// must differ: IDs taken from each server's clock, idle times, client IDs,
// version strings. Each side has its own normState, so the first clock ID a
// side produces becomes <id1> on that side, whatever its value.

const day = int64(24 * time.Hour / time.Millisecond)

var (
	streamIDRE    = regexp.MustCompile(`^(\d{1,20})-(\d{1,20})$`)
	placeholderRE = regexp.MustCompile(`\{(id|t)([1-9][0-9]*)\}`)
	pelIDRE       = regexp.MustCompile(`^(\d{1,20}-\d{1,20}|<id\d+>|<t\d+>-\d+)$`)
)

type normState struct {
	set    normSet
	now    int64             // milliseconds since the epoch when the case started
	ids    map[string]string // clock ID -> <idN>
	idList []string
	ms     map[string]string // clock millisecond -> <tN>
	msList []string
	addrs  map[string]string // MONITOR client address -> <addrN>
}

func newNormState(set normSet) *normState {
	return &normState{set: set, now: time.Now().UnixMilli(), ids: map[string]string{}, ms: map[string]string{}, addrs: map[string]string{}}
}

// substitute replaces {idN} and {tN} in args with the value this side's
// Nth clock ID (or millisecond) had.
func (n *normState) substitute(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = placeholderRE.ReplaceAllStringFunc(a, func(m string) string {
			sub := placeholderRE.FindStringSubmatch(m)
			k, _ := strconv.Atoi(sub[2])
			list := n.idList
			if sub[1] == "t" {
				list = n.msList
			}
			if k <= len(list) {
				return list[k-1]
			}
			return m
		})
	}
	return out
}

// clockID reports whether s is an ID whose millisecond part is within a
// day of now, which only a clock-generated ID is.
func (n *normState) clockID(s string) (ms, seq string, ok bool) {
	m := streamIDRE.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	v, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || v < n.now-day || v > n.now+day {
		return "", "", false
	}
	return m[1], m[2], true
}

// apply returns v normalised; cmd is the command that produced it.
func (n *normState) apply(cmd []string, v Value) Value {
	name := ""
	if len(cmd) > 0 {
		name = strings.ToUpper(cmd[0])
	}
	if n.set&(normIDs|normMsIDs) != 0 {
		v = mapValue(v, n.idString)
	}
	if n.set&(normTimes|normTimes1s) != 0 && (name == "XPENDING" || name == "XINFO") {
		v = n.times(v)
	}
	if n.set&normRax != 0 && name == "XINFO" {
		v = replacePairs(v, func(key string, val Value) (Value, bool) {
			if key == "radix-tree-nodes" && val.Kind == kInt {
				return Value{Kind: kInt, Str: "<rax>"}, true
			}
			return val, false
		})
	}
	if n.set&normMonitor != 0 {
		v = mapValue(v, n.monitorLine)
	}
	return alwaysNormalise(name, cmd, v)
}

var monitorLineRE = regexp.MustCompile(`^(\d{1,12})\.\d{6} \[(\d+) ([^ \]]+)\]`)

// monitorLine rewrites the head of a MONITOR line, a simple string
// "<secs>.<usecs> [<db> <addr>] ...": a time within a day of now becomes
// <time> and each client address <addrN>, numbered per side in order of
// first appearance, so lines still tell clients apart.
func (n *normState) monitorLine(v Value) Value {
	if v.Kind != kSimple {
		return v
	}
	m := monitorLineRE.FindStringSubmatchIndex(v.Str)
	if m == nil {
		return v
	}
	secs, err := strconv.ParseInt(v.Str[m[2]:m[3]], 10, 64)
	if now := n.now / 1000; err != nil || secs < now-86400 || secs > now+86400 {
		return v
	}
	addr := v.Str[m[6]:m[7]]
	p, seen := n.addrs[addr]
	if !seen {
		p = "<addr" + strconv.Itoa(len(n.addrs)+1) + ">"
		n.addrs[addr] = p
	}
	v.Str = "<time> [" + v.Str[m[4]:m[5]] + " " + p + "]" + v.Str[m[1]:]
	return v
}

func (n *normState) idString(v Value) Value {
	if !v.isString() {
		return v
	}
	ms, seq, ok := n.clockID(v.Str)
	if !ok {
		return v
	}
	if n.set&normIDs != 0 {
		p, seen := n.ids[v.Str]
		if !seen {
			n.idList = append(n.idList, v.Str)
			p = "<id" + strconv.Itoa(len(n.idList)) + ">"
			n.ids[v.Str] = p
		}
		v.Str = p
		return v
	}
	p, seen := n.ms[ms]
	if !seen {
		n.msList = append(n.msList, ms)
		p = "<t" + strconv.Itoa(len(n.msList)) + ">"
		n.ms[ms] = p
	}
	v.Str = p + "-" + seq
	return v
}

var durationKeys = map[string]bool{"idle": true, "inactive": true, "seen-time": true, "active-time": true}

// times replaces plausible idle times and timestamps: in key/value pairs
// named idle, inactive, seen-time, active-time, and in PEL entries
// [id consumer time count] (XPENDING, XINFO STREAM FULL groups) and
// [id time count] (XINFO STREAM FULL consumers). -1 and implausible values
// are kept, so a wrong one still shows.
func (n *normState) times(v Value) Value {
	v = replacePairs(v, func(key string, val Value) (Value, bool) {
		if durationKeys[key] && val.Kind == kInt {
			return n.timeInt(val), true
		}
		return val, false
	})
	return walk(v, func(a Value) Value {
		if a.Kind != kArray {
			return a
		}
		e := a.Elems
		switch {
		case len(e) == 4 && e[0].isString() && pelIDRE.MatchString(e[0].Str) && e[1].isString() && e[2].Kind == kInt && e[3].Kind == kInt:
			a.Elems = append([]Value(nil), e...)
			a.Elems[2] = n.timeInt(e[2])
		case len(e) == 3 && e[0].isString() && pelIDRE.MatchString(e[0].Str) && e[1].Kind == kInt && e[2].Kind == kInt:
			a.Elems = append([]Value(nil), e...)
			a.Elems[1] = n.timeInt(e[1])
		}
		return a
	})
}

// timeInt replaces a duration (0 .. 1e10 ms) with <idle> and a timestamp
// within a day of now with <time>. With times1s the placeholder also says
// whether the duration, or the age of the timestamp, is under a second:
// <idle<1s>, <idle>=1s>, <time<1s>, <time>=1s>.
func (n *normState) timeInt(v Value) Value {
	x, err := strconv.ParseInt(v.Str, 10, 64)
	bucket := func(ms int64) string {
		if n.set&normTimes1s == 0 {
			return ""
		}
		if ms < 1000 {
			return "<1s"
		}
		return ">=1s"
	}
	switch {
	case err != nil:
	case x >= 0 && x <= 1e10:
		v.Str = "<idle" + bucket(x) + ">"
	case x > n.now-day && x < n.now+day:
		v.Str = "<time" + bucket(time.Now().UnixMilli()-x) + ">"
	}
	return v
}

// alwaysNormalise handles replies that differ between any two servers.
func alwaysNormalise(name string, cmd []string, v Value) Value {
	switch {
	case name == "HELLO" && (v.Kind == kMap || v.Kind == kArray):
		return replacePairs(v, func(key string, val Value) (Value, bool) {
			switch {
			case key == "id" && val.Kind == kInt:
				return Value{Kind: kInt, Str: "<client-id>"}, true
			case key == "version" && val.isString():
				val.Str = "<version>"
				return val, true
			}
			return val, false
		})
	case name == "CLIENT" && len(cmd) == 2 && strings.EqualFold(cmd[1], "ID") && v.Kind == kInt:
		return Value{Kind: kInt, Str: "<client-id>"}
	case name == "TIME" && v.Kind == kArray && len(v.Elems) == 2:
		secs, err1 := strconv.ParseInt(v.Elems[0].Str, 10, 64)
		usec, err2 := strconv.ParseInt(v.Elems[1].Str, 10, 64)
		now := time.Now().Unix()
		if err1 == nil && err2 == nil && secs > now-86400 && secs < now+86400 && usec >= 0 && usec < 1e6 {
			return Value{Kind: kArray, Elems: []Value{bulk("<unix-seconds>"), bulk("<microseconds>")}}
		}
	}
	return v
}

// walk applies f to every value of the tree, children first.
func walk(v Value, f func(Value) Value) Value {
	if v.Elems != nil {
		elems := make([]Value, len(v.Elems))
		for i, e := range v.Elems {
			elems[i] = walk(e, f)
		}
		v.Elems = elems
	}
	return f(v)
}

func mapValue(v Value, f func(Value) Value) Value { return walk(v, f) }

// replacePairs calls f for each key/value pair of every map and of every
// array read as a flat list of pairs (string keys at even positions).
func replacePairs(v Value, f func(key string, val Value) (Value, bool)) Value {
	return walk(v, func(a Value) Value {
		if (a.Kind != kMap && a.Kind != kArray) || len(a.Elems)%2 != 0 {
			return a
		}
		var out []Value
		for i := 0; i+1 < len(a.Elems); i += 2 {
			k := a.Elems[i]
			if !k.isString() {
				continue
			}
			if nv, changed := f(k.Str, a.Elems[i+1]); changed {
				if out == nil {
					out = append([]Value(nil), a.Elems...)
				}
				out[i+1] = nv
			}
		}
		if out != nil {
			a.Elems = out
		}
		return a
	})
}

// shapeOf keeps the structure of v and the type of each scalar only.
func shapeOf(v Value) Value {
	return walk(v, func(a Value) Value {
		switch a.Kind {
		case kBulk, kVerbatim:
			a.Str = "<string>"
		case kInt:
			a.Str = "<integer>"
		case kDouble:
			a.Str = "<double>"
		case kBigNum:
			a.Str = "<big number>"
		}
		return a
	})
}

// sortScalars sorts the elements of every array or set made of scalars.
func sortScalars(v Value) Value {
	return walk(v, func(a Value) Value {
		if a.Kind != kArray && a.Kind != kSet {
			return a
		}
		for _, e := range a.Elems {
			if isAggregate(e.Kind) {
				return a
			}
		}
		elems := append([]Value(nil), a.Elems...)
		sort.SliceStable(elems, func(i, j int) bool { return bytes.Compare(elems[i].bytes(), elems[j].bytes()) < 0 })
		a.Elems = elems
		return a
	})
}

// between replaces an integer reply within [lo, hi] with a placeholder.
func between(v Value, r [2]int64) Value {
	x, err := strconv.ParseInt(v.Str, 10, 64)
	if v.Kind == kInt && err == nil && x >= r[0] && x <= r[1] {
		v.Str = "<" + strconv.FormatInt(r[0], 10) + ".." + strconv.FormatInt(r[1], 10) + ">"
	}
	return v
}

// infoField picks NAME (or NAME.SUB of a comma-separated value) out of an
// INFO-style text reply: a bulk string with the value, or the protocol's
// null when the field is absent.
func infoField(v Value, field string, resp int) Value {
	if !v.isString() {
		return v
	}
	name, sub, hasSub := strings.Cut(field, ".")
	for _, line := range strings.Split(v.text(), "\n") {
		line = strings.TrimRight(line, "\r")
		k, val, ok := strings.Cut(line, ":")
		if !ok || k != name {
			continue
		}
		if !hasSub {
			return bulk(val)
		}
		for _, part := range strings.Split(val, ",") {
			if sk, sv, ok := strings.Cut(part, "="); ok && sk == sub {
				return bulk(sv)
			}
		}
	}
	return render(Value{Kind: kNilBulk}, resp)
}

// unnormalisedClockID returns a clock-made ID left in v, or "". A case
// whose replies hold one passes only when both servers happen to share a
// millisecond, so the suite rejects it.
func (n *normState) unnormalisedClockID(v Value) string {
	found := ""
	walk(v, func(a Value) Value {
		if found == "" && a.isString() {
			if _, _, ok := n.clockID(a.Str); ok {
				found = a.Str
			}
		}
		return a
	})
	return found
}

// sortPairs sorts a map, or an array read as a flat list of pairs, by key:
// for replies such as CONFIG GET of several names, whose order is a hash
// order.
func sortPairs(v Value) Value {
	if (v.Kind != kMap && v.Kind != kArray) || len(v.Elems)%2 != 0 {
		return v
	}
	pairs := make([][2]Value, len(v.Elems)/2)
	for i := range pairs {
		pairs[i] = [2]Value{v.Elems[2*i], v.Elems[2*i+1]}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return bytes.Compare(pairs[i][0].bytes(), pairs[j][0].bytes()) < 0 })
	elems := make([]Value, 0, len(v.Elems))
	for _, p := range pairs {
		elems = append(elems, p[0], p[1])
	}
	v.Elems = elems
	return v
}
