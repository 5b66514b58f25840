package main

import (
	"bytes"
	"flag"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

func TestSplitCommand(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{"redis-server --port 1", []string{"redis-server", "--port", "1"}, false},
		{"  a   b\tc ", []string{"a", "b", "c"}, false},
		{"x --save '' --y", []string{"x", "--save", "", "--y"}, false},
		{`a "b c" 'd e' f\ g`, []string{"a", "b c", "d e", "f g"}, false},
		{`a "q\"q" 'it''s'`, []string{"a", `q"q`, "its"}, false},
		{`a'b'"c"`, []string{"abc"}, false},
		{"", nil, true},
		{"a 'b", nil, true},
		{`a "b`, nil, true},
	} {
		got, err := splitCommand(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("splitCommand(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitCommand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	got, err := expandTemplate("srv --port {port} --dir {dir} --x={port}", 1234, "/d ir")
	if err != nil || !reflect.DeepEqual(got, []string{"srv", "--port", "1234", "--dir", "/d ir", "--x=1234"}) {
		t.Errorf("expandTemplate = %q, %v", got, err)
	}
}

func TestShellQuoteRoundTrips(t *testing.T) {
	for _, s := range []string{"plain", "", "a b", "x --save '' --y", `it's "quoted" $HOME`, "a\\b", "$ADDR"} {
		q := shellQuote(s)
		got, err := splitCommand(q)
		if s == "" {
			if q != "''" {
				t.Errorf("shellQuote(\"\") = %q", q)
			}
			continue
		}
		if err != nil || len(got) != 1 || got[0] != s {
			t.Errorf("shellQuote(%q) = %q, which splits to %q, %v", s, q, got, err)
		}
	}
	if q := shellQuote("a --save '' b"); q != `"a --save '' b"` {
		t.Errorf("single quotes inside should use double quotes: %s", q)
	}
}

func TestMethodCommand(t *testing.T) {
	fs := flag.NewFlagSet("xadd", flag.ContinueOnError)
	var c commonFlags
	c.register(fs, "xadd")
	fs.Int("clients", 50, "")
	fs.Bool("keep", false, "")
	args := []string{"--addr", "127.0.0.1:7", "--clients", "8", "--label", "redis", "--out", "/x/y", "--pid", "9", "--keep", "--round", "2", "--quiet"}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	want := "runnel-bench xadd --addr $ADDR --clients 8 --keep"
	if got := methodCommand("xadd", fs); got != want {
		t.Fatalf("methodCommand = %q, want %q", got, want)
	}
}

func TestParsers(t *testing.T) {
	info := parseInfo("# Server\r\nredis_version:7.0.15\r\nprocess_id:42\r\n\r\n# Memory\r\nused_memory:1000\r\nweird\r\n")
	if info["redis_version"] != "7.0.15" || info["process_id"] != "42" || info["used_memory"] != "1000" || len(info) != 3 {
		t.Errorf("parseInfo = %v", info)
	}
	rss, err := parseVmRSS(strings.NewReader("Name:\tredis\nVmPeak:\t 9 kB\nVmRSS:\t   12345 kB\n"))
	if err != nil || rss != 12345*1024 {
		t.Errorf("parseVmRSS = %d, %v", rss, err)
	}
	if _, err := parseVmRSS(strings.NewReader("Name: x\n")); err == nil {
		t.Error("parseVmRSS without VmRSS must fail")
	}
	for _, tc := range []struct {
		in      string
		ms, seq uint64
		ok      bool
	}{
		{"1700000000000-3", 1700000000000, 3, true}, {"0-0", 0, 0, true}, {"18446744073709551615-1", 18446744073709551615, 1, true},
		{"12", 0, 0, false}, {"-1", 0, 0, false}, {"1-", 0, 0, false}, {"1-2-3", 0, 0, false}, {"a-1", 0, 0, false}, {"", 0, 0, false},
	} {
		ms, seq, ok := parseID([]byte(tc.in))
		if ok != tc.ok || (ok && (ms != tc.ms || seq != tc.seq)) {
			t.Errorf("parseID(%q) = %d,%d,%v", tc.in, ms, seq, ok)
		}
	}
	p := makePayload(20, 16)
	for _, x := range []uint64{0, 1, 0xdeadbeef, 1<<64 - 1} {
		putHex16(p, x)
		if got, ok := getHex16(p); !ok || got != x || p[16] != 'x' {
			t.Errorf("hex16 round trip of %x: %x %v %q", x, got, ok, p)
		}
	}
	if _, ok := getHex16([]byte("short")); ok {
		t.Error("getHex16 of a short payload must fail")
	}
	if _, ok := getHex16([]byte("000000000000000G")); ok {
		t.Error("getHex16 of a non-hex payload must fail")
	}
	if len(makePayload(3, 16)) != 16 || len(makePayload(100, 0)) != 100 {
		t.Error("makePayload sizes")
	}
}

func TestParseRedisBenchmarkCSV(t *testing.T) {
	out := "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\",\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n" +
		"\"XADD s * f v\",\"312500.00\",\"2.345\",\"0.280\",\"2.271\",\"4.079\",\"4.951\",\"5.951\"\n"
	m := map[string]float64{}
	if err := parseRedisBenchmarkCSV([]byte(out), m); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"ops_per_sec": 312500, "mean_us": 2345, "p50_us": 2271, "p95_us": 4079, "p99_us": 4951, "max_us": 5951}
	for k, v := range want {
		if d := m[k] - v; d > 1e-6 || d < -1e-6 {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	for _, bad := range []string{"", "\"test\",\"rps\"\n", "\"test\",\"rps\"\n\"x\",\"fast\"\n", "\"test\",\"other\"\n\"x\",\"1\"\n"} {
		if err := parseRedisBenchmarkCSV([]byte(bad), map[string]float64{}); err == nil {
			t.Errorf("CSV %q must be rejected", bad)
		}
	}
}

func TestCheckDeliveries(t *testing.T) {
	sentMs, sentSeq := []uint64{1, 2, 3, 4}, []uint64{0, 0, 0, 0}
	gotMs, gotSeq := []uint64{1, 2, 9, 0}, []uint64{0, 0, 0, 0}
	seen := make([]atomic.Uint32, 4)
	seen[0].Store(1) // fine
	seen[1].Store(3) // delivered three times
	seen[2].Store(1) // delivered with the wrong ID
	// seen[3] never delivered
	d, m, x := checkDeliveries(sentMs, sentSeq, gotMs, gotSeq, seen)
	if d != 2 || m != 1 || x != 1 {
		t.Fatalf("duplicates %d missing %d mismatched %d, want 2 1 1", d, m, x)
	}
	seen[1].Store(1)
	seen[3].Store(1)
	gotMs[2], gotMs[3] = 3, 4
	if d, m, x := checkDeliveries(sentMs, sentSeq, gotMs, gotSeq, seen); d+m+x != 0 {
		t.Fatalf("a clean run reports %d %d %d", d, m, x)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"nosuch"}, 2},
		{[]string{"xadd", "--addr", "10.0.0.1:6379"}, 2},
		{[]string{"xadd", "--addr", "example.com:6379"}, 2},
		{[]string{"xadd", "--nosuchflag"}, 2},
		{[]string{"xadd", "extra"}, 2},
		{[]string{"xadd", "--help"}, 0},
		{[]string{"ping", "--addr", "192.168.1.1:1"}, 2},
		{[]string{"report"}, 2},
		{[]string{"fail"}, 2},
		{[]string{"freeport", "x"}, 2},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != tc.code {
			t.Errorf("run(%q) = %d, want %d; stderr %s", tc.args, code, tc.code, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"--scenario", "nosuch"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `unknown subcommand "nosuch"`) {
		t.Errorf("--scenario form: %d %s", code, errb.String())
	}
}

func TestProgressLines(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, "demo", false) // a buffer is not a terminal: plain lines
	p.Phase("load", 10)
	p.Add(4)
	p.Add(6)
	p.Phase("query", 0)
	p.Add(3)
	p.Close()
	out := b.String()
	if !strings.Contains(out, "[demo] load: 10/10 (100%)") || !strings.Contains(out, "[demo] query: 3,") {
		t.Fatalf("progress output %q", out)
	}
	var q bytes.Buffer
	quiet := newProgress(&q, "demo", true)
	quiet.Phase("load", 1)
	quiet.Add(1)
	quiet.Close()
	if q.Len() != 0 {
		t.Fatalf("--quiet printed %q", q.String())
	}
}
