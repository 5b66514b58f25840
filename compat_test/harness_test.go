package compat_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tests of the harness itself; they need no server.

func TestReadValue(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // pretty form
	}{
		{"simple", "+OK\r\n", "OK"},
		{"error", "-ERR bad\r\n", "(error) ERR bad"},
		{"integer", ":-12\r\n", "(integer) -12"},
		{"bulk", "$3\r\na\nb\r\n", `"a\nb"`},
		{"empty bulk", "$0\r\n\r\n", `""`},
		{"null bulk", "$-1\r\n", "(nil) [null bulk]"},
		{"null array", "*-1\r\n", "(nil) [null array]"},
		{"resp3 null", "_\r\n", "(nil) [RESP3 null]"},
		{"empty array", "*0\r\n", "(empty array)"},
		{"nested", "*2\r\n*1\r\n:1\r\n$1\r\nx\r\n", "1) 1) (integer) 1\n2) \"x\""},
		{"map", "%1\r\n+k\r\n*1\r\n:2\r\n", "1# k => 1) (integer) 2"},
		{"set", "~1\r\n$1\r\na\r\n", `1~ "a"`},
		{"double", ",1.5\r\n", "(double) 1.5"},
		{"bool", "#t\r\n", "(true)"},
		{"blob error", "!5\r\nERR x\r\n", `(error) "ERR x"`},
		{"verbatim", "=7\r\ntxt:abc\r\n", `(verbatim) "txt:abc"`},
		{"big number", "(123\r\n", "(big number) 123"},
		{"push", ">2\r\n$3\r\nfoo\r\n:1\r\n", "1> \"foo\"\n2> (integer) 1"},
		{"attribute", "|1\r\n+a\r\n:1\r\n+OK\r\n", "(attribute) 1| a => (integer) 1\nOK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw bytes.Buffer
			v, err := readValue(bufio.NewReader(strings.NewReader(tt.in)), &raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := pretty(v); got != tt.want {
				t.Errorf("pretty = %q, want %q", got, tt.want)
			}
			if raw.String() != tt.in {
				t.Errorf("raw = %q, want %q", raw.String(), tt.in)
			}
			if got := string(v.bytes()); got != tt.in {
				t.Errorf("re-encoded = %q, want %q", got, tt.in)
			}
		})
	}
}

func TestReadValueErrors(t *testing.T) {
	for _, in := range []string{"?x\r\n", ":x\r\n", "$2\r\nabc\r\n", "+OK\n", "*-2\r\n", "$99999999999\r\n", "_x\r\n"} {
		if _, err := readValue(bufio.NewReader(strings.NewReader(in)), nil); !errors.Is(err, errProtocol) {
			t.Errorf("readValue(%q) = %v, want a protocol error", in, err)
		}
	}
	if _, err := readValue(bufio.NewReader(strings.NewReader("")), nil); err != io.EOF {
		t.Errorf("empty input: %v, want io.EOF", err)
	}
	if _, err := readValue(bufio.NewReader(strings.NewReader("*2\r\n:1\r\n")), nil); err != io.ErrUnexpectedEOF {
		t.Errorf("cut input: %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"XADD s * f v", []string{"XADD", "s", "*", "f", "v"}},
		{`ECHO "a b" '' ""`, []string{"ECHO", "a b", "", ""}},
		{`ECHO "q\"\\\r\n\x41"`, []string{"ECHO", "q\"\\\r\nA"}},
		{`ECHO 'it\'s "x"'`, []string{"ECHO", `it's "x"`}},
		{"  PING  ", []string{"PING"}},
	}
	for _, tt := range tests {
		got, err := splitArgs(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitArgs(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`ECHO "open`, `ECHO 'open`, `ECHO "a"b`, `ECHO "\x4"`} {
		if _, err := splitArgs(bad); err == nil {
			t.Errorf("splitArgs(%q) gave no error", bad)
		}
	}
}

func TestNotation(t *testing.T) {
	tests := []struct {
		in         string
		resp2, res string
	}{
		{`+OK`, "+OK\r\n", "+OK\r\n"},
		{`-"ERR no such key"`, "-ERR no such key\r\n", "-ERR no such key\r\n"},
		{`:3`, ":3\r\n", ":3\r\n"},
		{`:<idle>`, ":<idle>\r\n", ":<idle>\r\n"},
		{`nil`, "$-1\r\n", "_\r\n"},
		{`nil*`, "*-1\r\n", "_\r\n"},
		{`[1-1 "a b" []]`, "*3\r\n$3\r\n1-1\r\n$3\r\na b\r\n*0\r\n", "*3\r\n$3\r\n1-1\r\n$3\r\na b\r\n*0\r\n"},
		{`{name x pending :1}`, "*4\r\n$4\r\nname\r\n$1\r\nx\r\n$7\r\npending\r\n:1\r\n", "%2\r\n$4\r\nname\r\n$1\r\nx\r\n$7\r\npending\r\n:1\r\n"},
		{`~[a]`, "*1\r\n$1\r\na\r\n", "~1\r\n$1\r\na\r\n"},
		{`,1.5`, "$3\r\n1.5\r\n", ",1.5\r\n"},
		{`#t`, ":1\r\n", "#t\r\n"},
		{`"nil"`, "$3\r\nnil\r\n", "$3\r\nnil\r\n"},
	}
	for _, tt := range tests {
		v, raw, err := parseNotation(tt.in)
		if err != nil || raw {
			t.Errorf("parseNotation(%q): %v raw=%v", tt.in, err, raw)
			continue
		}
		if got := string(render(v, 2).bytes()); got != tt.resp2 {
			t.Errorf("%q in RESP2 = %q, want %q", tt.in, got, tt.resp2)
		}
		if got := string(render(v, 3).bytes()); got != tt.res {
			t.Errorf("%q in RESP3 = %q, want %q", tt.in, got, tt.res)
		}
	}
	v, raw, err := parseNotation(`raw "*-1\r\n"`)
	if err != nil || !raw || v.Kind != kNilArray {
		t.Errorf("raw notation: %v %v %v", v, raw, err)
	}
	for _, bad := range []string{`[a`, `a]`, `{a}`, `raw "x"`, `+`, `#x`, `a b`, `"open`, `[raw "+OK\r\n"]`} {
		if _, _, err := parseNotation(bad); err == nil {
			t.Errorf("parseNotation(%q) gave no error", bad)
		}
	}
}

func TestNormalise(t *testing.T) {
	n := newNormState(normIDs | normTimes)
	now := n.now
	id := func(ms int64, seq int) string { return strings.Join([]string{itoa(ms), itoa(int64(seq))}, "-") }
	first, second := id(now, 0), id(now+1, 3)
	reply := Value{Kind: kArray, Elems: []Value{bulk(first), bulk(second), bulk(first), bulk("5-1")}}
	got := n.apply([]string{"XRANGE"}, reply)
	want := `*4` + "\r\n" + "$5\r\n<id1>\r\n$5\r\n<id2>\r\n$5\r\n<id1>\r\n$3\r\n5-1\r\n"
	if string(got.bytes()) != want {
		t.Errorf("ids: %q, want %q", got.bytes(), want)
	}
	if sub := n.substitute([]string{"XDEL", "s", "{id2}", "{id9}"}); !reflect.DeepEqual(sub, []string{"XDEL", "s", second, "{id9}"}) {
		t.Errorf("substitute = %q", sub)
	}
	consumers := Value{Kind: kArray, Elems: []Value{{Kind: kArray, Elems: []Value{
		bulk("name"), bulk("c"), bulk("pending"), {Kind: kInt, Str: "1"},
		bulk("idle"), {Kind: kInt, Str: "17"}, bulk("inactive"), {Kind: kInt, Str: "-1"}}}}}
	got = n.apply([]string{"XINFO", "CONSUMERS", "s", "g"}, consumers)
	if p := pretty(got); !strings.Contains(p, "(integer) <idle>") || !strings.Contains(p, "(integer) -1") || !strings.Contains(p, "(integer) 1") {
		t.Errorf("times:\n%s", p)
	}
	pel := Value{Kind: kArray, Elems: []Value{{Kind: kArray, Elems: []Value{bulk("1-1"), bulk("c"), {Kind: kInt, Str: itoa(now)}, {Kind: kInt, Str: "2"}}}}}
	if p := pretty(n.apply([]string{"XPENDING"}, pel)); !strings.Contains(p, "<time>") || !strings.Contains(p, "(integer) 2") {
		t.Errorf("pel times:\n%s", p)
	}
	// The same idle value from another command is left alone.
	if p := pretty(n.apply([]string{"XRANGE"}, consumers)); strings.Contains(p, "<idle>") {
		t.Errorf("times applied outside XINFO/XPENDING:\n%s", p)
	}
	ms := newNormState(normMsIDs)
	got = ms.apply([]string{"EXEC"}, Value{Kind: kArray, Elems: []Value{bulk(id(now, 0)), bulk(id(now, 1))}})
	if p := pretty(got); p != "1) \"<t1>-0\"\n2) \"<t1>-1\"" {
		t.Errorf("msids:\n%s", p)
	}
}

func itoa(x int64) string { return strconv.FormatInt(x, 10) }

// TestNormaliseMonitor: MONITOR lines lose their time and number their
// client addresses; other simple strings, and lines with an implausible
// time, are kept.
func TestNormaliseMonitor(t *testing.T) {
	n := newNormState(normMonitor)
	secs := itoa(n.now / 1000)
	for _, tc := range []struct{ in, want string }{
		{secs + `.000123 [0 127.0.0.1:5000] "XADD" "s"`, `<time> [0 <addr1>] "XADD" "s"`},
		{secs + `.999999 [9 127.0.0.1:6000] "PING"`, `<time> [9 <addr2>] "PING"`},
		{secs + `.5 [0 127.0.0.1:5000] "PING"`, secs + `.5 [0 127.0.0.1:5000] "PING"`},
		{secs + `.000001 [0 127.0.0.1:5000] "a] [b"`, `<time> [0 <addr1>] "a] [b"`},
		{`12.000001 [0 127.0.0.1:5000] "PING"`, `12.000001 [0 127.0.0.1:5000] "PING"`},
		{`OK`, `OK`},
	} {
		got := n.apply(nil, Value{Kind: kSimple, Str: tc.in})
		if got.Kind != kSimple || got.Str != tc.want {
			t.Errorf("%q -> %q, want %q", tc.in, got.Str, tc.want)
		}
	}
	if got := n.apply(nil, bulk(secs+`.000123 [0 1.2.3.4:5] "x"`)); got.Str != secs+`.000123 [0 1.2.3.4:5] "x"` {
		t.Errorf("a bulk string was rewritten: %q", got.Str)
	}
}

func TestCaseParser(t *testing.T) {
	good := `
@default @normalize=times
# comment
=== a/one @resp=2
XADD s 1-1 f "v w"
B> XREAD BLOCK 100 STREAMS s $
B<
@expect74 nil*
=== a/two
@74only XREAD STREAMS s +
@expect74 [[s [[1-1 [f v]]]]]
@repeat 3 XADD s {i}-0 f v
@sleep 10
@field=blocked_clients INFO clients
`
	f, err := parseCases("x.txt", "x", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.cases) != 2 {
		t.Fatalf("%d cases", len(f.cases))
	}
	one, two := f.cases[0], f.cases[1]
	if !reflect.DeepEqual(one.resp, []int{2}) || one.norm != normTimes || len(one.steps) != 3 {
		t.Errorf("case one: %+v", one)
	}
	if got := one.steps[0].args; !reflect.DeepEqual(got, []string{"XADD", "s", "1-1", "f", "v w"}) {
		t.Errorf("args %q", got)
	}
	if s := one.steps[1]; s.client != 'B' || s.mode != '>' {
		t.Errorf("async step %+v", s)
	}
	if s := one.steps[2]; s.mode != '<' || string(s.expect74[2].bytes()) != "*-1\r\n" {
		t.Errorf("read step %+v", s)
	}
	if len(two.steps) != 6 || !two.steps[0].mods.only74 || two.steps[3].args[2] != "3-0" || two.steps[5].mods.field != "blocked_clients" {
		t.Errorf("case two: %+v", two.steps)
	}
	f82, err := parseCases("x.txt", "x", []byte("=== b\nXDELEX s IDS 2 1-1 2-2\n@expect82 [:-1\n:-1]\nXLEN s\n@expect82/2 :0\n@expect82/3 :0"))
	if err != nil {
		t.Fatal(err)
	}
	if st := f82.cases[0].steps; len(st) != 2 || string(st[0].expect82[3].bytes()) != "*2\r\n:-1\r\n:-1\r\n" || string(st[1].expect82[2].bytes()) != ":0\r\n" || st[0].expect74 != nil {
		t.Errorf("@expect82 steps: %+v", st)
	}
	f86, err := parseCases("x.txt", "x", []byte("=== b\nXCFGSET s\n@expect86 -\"ERR no such key\""))
	if err != nil {
		t.Fatal(err)
	}
	if st := f86.cases[0].steps; len(st) != 1 || st[0].newer != "8.6" || string(st[0].expect82[2].bytes()) != "-ERR no such key\r\n" {
		t.Errorf("@expect86 steps: %+v", st)
	}
	f88, err := parseCases("x.txt", "x", []byte("=== b\nXNACK s g FAIL IDS 1 1-0\n@expect88 :1"))
	if err != nil {
		t.Fatal(err)
	}
	if st := f88.cases[0].steps; len(st) != 1 || st[0].newer != "8.8" || string(st[0].expect82[3].bytes()) != ":1\r\n" {
		t.Errorf("@expect88 steps: %+v", st)
	}
	bad := map[string]string{
		"no case":             "PING",
		"bad name":            "=== A b",
		"dup":                 "=== a\nPING\n=== a\nPING",
		"empty":               "=== a\n=== b\nPING",
		"unread":              "=== a\nB> PING",
		"read nothing":        "=== a\nB<",
		"74only alone":        "=== a\n@74only PING",
		"expect after send":   "=== a\nB> PING\n@expect74 +PONG\nB<",
		"unknown mod":         "=== a\n@nope PING",
		"unknown opt":         "=== a @fast\nPING",
		"plain while pending": "=== a\nB> PING\nB: PING\nB<",
		"late default":        "=== a\nPING\n@default @resp=2",
		"two expects":         "=== a\nPING\n@expect74 +PONG\n@expect74/2 +PONG",
		"82 and 74":           "=== a\nPING\n@expect74 +PONG\n@expect82 +PONG",
		"82 one protocol":     "=== a\nXDELEX s IDS 1 1-1\n@expect82/2 [:-1]",
		"82 on a read":        "=== a\nB> PING\nB<\n@expect82 +PONG",
		"82 on 74only":        "=== a\n@74only PING\n@expect82 +PONG",
		"two 82":              "=== a\nPING\n@expect82 +PONG\n@expect82/3 +PONG",
		"82 and 86":           "=== a\nPING\n@expect82/2 +PONG\n@expect86/3 +PONG",
		"86 one protocol":     "=== a\nXCFGSET s\n@expect86/3 +OK",
		"86 and 88":           "=== a\nPING\n@expect86/2 +PONG\n@expect88/3 +PONG",
		"88 one protocol":     "=== a\nXNACK s g FAIL IDS 1 1-0\n@expect88/2 :1",
	}
	for name, text := range bad {
		if _, err := parseCases("x.txt", "x", []byte(text)); err == nil {
			t.Errorf("%s: no error for %q", name, text)
		}
	}
}

// TestCaseFiles checks that every case file parses, with no server.
func TestCaseFiles(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if len(paths) == 0 {
		t.Fatal("no case files")
	}
	names := map[string]string{}
	for _, p := range paths {
		f, err := parseCaseFile(p)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, tc := range f.cases {
			if other, dup := names[tc.name]; dup {
				t.Errorf("case %s in %s and %s", tc.name, other, p)
			}
			names[tc.name] = p
		}
		t.Logf("%s: %d cases", p, len(f.cases))
	}
}

func TestNotationRoundTrip(t *testing.T) {
	for _, in := range []string{
		"*3\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$0\r\n\r\n:-1\r\n",
		"%2\r\n$4\r\nname\r\n$3\r\na b\r\n$3\r\nnil\r\n*-1\r\n",
		"-ERR x \"y\"\r\n", "+OK\r\n", "$-1\r\n", "~1\r\n$2\r\n+x\r\n",
	} {
		v, err := readValue(bufio.NewReader(strings.NewReader(in)), nil)
		if err != nil {
			t.Fatal(err)
		}
		back, _, err := parseNotation(toNotation(v))
		if err != nil {
			t.Fatalf("%q -> %s: %v", in, toNotation(v), err)
		}
		if got := string(render(back, 3).bytes()); v.Kind != kMap && got != in && string(render(back, 2).bytes()) != in {
			t.Errorf("%q -> %s -> %q", in, toNotation(v), got)
		}
	}
}

func TestCompareStep(t *testing.T) {
	ok := result{raw: []byte("+OK\r\n"), orig: Value{Kind: kSimple, Str: "OK"}, norm: Value{Kind: kSimple, Str: "OK"}}
	errv := Value{Kind: kError, Str: "ERR x"}
	bad := result{raw: errv.bytes(), orig: errv, norm: errv}
	sides := []*side{{tg: &target{srv: &server{name: "oracle"}}, norm: newNormState(0)}, {tg: &target{srv: &server{name: "subject"}}, norm: newNormState(0)}}
	plain := &step{}
	with74 := &step{expect74: map[int]Value{2: errv}}
	with82 := &step{expect82: map[int]Value{2: errv}}
	tests := []struct {
		name   string
		self   bool
		st     *step
		o, s   result
		failed bool
	}{
		{"diff equal", false, plain, ok, ok, false},
		{"diff differ", false, plain, ok, bad, true},
		{"diff 74 met", false, with74, ok, bad, false},
		{"diff 74 missed", false, with74, bad, ok, true},
		{"self equal", true, plain, ok, ok, false},
		{"self differ", true, plain, ok, bad, true},
		{"self 74 is a real difference", true, with74, ok, ok, false},
		{"self 74 equals the oracle", true, with74, bad, bad, true},
		// @expect82: runnel alone is compared (the oracle's result is
		// empty); in self mode the recorded reply must not be the oracle's.
		{"diff 82 met", false, with82, result{}, bad, false},
		{"diff 82 missed", false, with82, result{}, ok, true},
		{"self 82 is a real difference", true, with82, ok, ok, false},
		{"self 82 equals the oracle", true, with82, bad, bad, true},
		{"self 82 servers disagree", true, with82, ok, bad, true},
	}
	for _, tt := range tests {
		msg := compareStep(mode{self: tt.self}, tt.st, 2, sides, []result{tt.o, tt.s})
		if (msg != "") != tt.failed {
			t.Errorf("%s: message %q, want failure=%v", tt.name, msg, tt.failed)
		}
	}
	// A clock-made ID in a case without the ids normalisation fails in self mode.
	clock := bulk(itoa(sides[0].norm.now) + "-0")
	r := result{orig: clock, norm: clock, raw: clock.bytes()}
	if msg := compareStep(mode{self: true}, plain, 2, sides, []result{r, r}); !strings.Contains(msg, "normalize=ids") {
		t.Errorf("clock ID not reported: %q", msg)
	}
}

func TestExecNormalisedPerCommand(t *testing.T) {
	c := &client{}
	c.track([]string{"MULTI"}, Value{Kind: kSimple, Str: "OK"})
	c.track([]string{"TIME"}, Value{Kind: kSimple, Str: "QUEUED"})
	c.track([]string{"CLIENT", "ID"}, Value{Kind: kSimple, Str: "QUEUED"})
	now := itoa(time.Now().Unix())
	reply := Value{Kind: kArray, Elems: []Value{{Kind: kArray, Elems: []Value{bulk(now), bulk("12")}}, {Kind: kInt, Str: "7"}}}
	exec := c.track([]string{"EXEC"}, reply)
	if len(exec) != 2 || c.multi != nil {
		t.Fatalf("track: %q, multi %v", exec, c.multi)
	}
	s := &side{norm: newNormState(0)}
	got := pretty(s.finish(&step{}, []string{"EXEC"}, exec, reply))
	if !strings.Contains(got, "<unix-seconds>") || !strings.Contains(got, "<client-id>") {
		t.Errorf("EXEC reply not normalised per command:\n%s", got)
	}
}

func TestReplyModifiers(t *testing.T) {
	info := Value{Kind: kVerbatim, Str: "txt:# Clients\r\nblocked_clients:2\r\ncmdstat_xread:calls=3,usec=9\r\n"}
	if got := infoField(info, "blocked_clients", 3); got.Str != "2" || got.Kind != kBulk {
		t.Errorf("field: %+v", got)
	}
	if got := infoField(info, "cmdstat_xread.calls", 2); got.Str != "3" {
		t.Errorf("sub field: %+v", got)
	}
	if got := infoField(info, "missing", 2); got.Kind != kNilBulk {
		t.Errorf("missing field in RESP2: %+v", got)
	}
	if got := infoField(info, "missing", 3); got.Kind != kNull {
		t.Errorf("missing field in RESP3: %+v", got)
	}
	keys := Value{Kind: kArray, Elems: []Value{bulk("b"), bulk("a"), bulk("c")}}
	if got := toNotation(sortScalars(keys)); got != "[a b c]" {
		t.Errorf("sort: %s", got)
	}
	pairs := Value{Kind: kArray, Elems: []Value{bulk("z"), bulk("1"), bulk("a"), bulk("2")}}
	if got := toNotation(sortPairs(pairs)); got != "[a 2 z 1]" {
		t.Errorf("sortpairs: %s", got)
	}
	if got := toNotation(shapeOf(Value{Kind: kArray, Elems: []Value{bulk("x"), {Kind: kInt, Str: "5"}}})); got != "[<string> :<integer>]" {
		t.Errorf("shape: %s", got)
	}
	if got := toNotation(between(Value{Kind: kInt, Str: "99"}, [2]int64{98, 100})); got != ":<98..100>" {
		t.Errorf("between: %s", got)
	}
	if got := toNotation(between(Value{Kind: kInt, Str: "101"}, [2]int64{98, 100})); got != ":101" {
		t.Errorf("between out of range: %s", got)
	}
}
