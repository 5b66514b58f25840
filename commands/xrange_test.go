package commands

import (
	"testing"

	"github.com/runnel-db/runnel/stream"
)

func TestXRangeParse(t *testing.T) {
	max := ^uint64(0)
	tests := []struct {
		in   string
		rev  bool
		want xrangeArgs
		err  error
	}{
		{in: "XRANGE s - +", want: xrangeArgs{Start: stream.Min, End: stream.Max, Count: -1}},
		{in: "XRANGE s 5 7", want: xrangeArgs{Start: stream.ID{Ms: 5}, End: stream.ID{Ms: 7, Seq: max}, Count: -1}},
		{in: "XRANGE s (5 (7-0 COUNT 3", want: xrangeArgs{Start: stream.ID{Ms: 5, Seq: 1}, End: stream.ID{Ms: 6, Seq: max}, Count: 3}},
		{in: "XREVRANGE s (7-0 (5 count -4", rev: true, want: xrangeArgs{Start: stream.ID{Ms: 5, Seq: 1}, End: stream.ID{Ms: 6, Seq: max}, Count: 0}},
		{in: "XRANGE s - + COUNT 1 COUNT 2", want: xrangeArgs{Start: stream.Min, End: stream.Max, Count: 2}},
		{in: "XRANGE s (- +", err: ErrInvalidStreamID},
		{in: "XRANGE s - (+", err: ErrInvalidStreamID},
		{in: "XRANGE s (18446744073709551615-18446744073709551615 +", err: ErrInvalidStartID},
		{in: "XRANGE s - (0-0", err: ErrInvalidEndID},
		// The start is checked before the end, in either command.
		{in: "XRANGE s (18446744073709551615-18446744073709551615 x", err: ErrInvalidStartID},
		{in: "XREVRANGE s (0-0 x", rev: true, err: ErrInvalidStreamID},
		{in: "XRANGE s - + COUNT", err: ErrSyntax},
		{in: "XRANGE s - + COUNT x", err: ErrNotInteger},
		{in: "XRANGE s - + FOO 1", err: ErrSyntax},
		{in: "XRANGE s x + FOO 1", err: ErrInvalidStreamID},
	}
	for _, tt := range tests {
		got, err := parseXRange(args(tt.in), tt.rev)
		if err != tt.err {
			t.Errorf("%s: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err == nil {
			tt.want.Key = []byte("s")
			if string(got.Key) != "s" || got.Start != tt.want.Start || got.End != tt.want.End || got.Count != tt.want.Count {
				t.Errorf("%s: %+v, want %+v", tt.in, got, tt.want)
			}
		}
	}
}

var xrangeScripts = []xscript{
	{name: "bounds", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "1-2", "a", "2"}, "$3\r\n1-2\r\n", ""},
		{[]string{"XADD", "s", "2-0", "a", "3"}, "$3\r\n2-0\r\n", ""},
		{[]string{"XADD", "s", "3-5", "b", "4", "c", "5"}, "$3\r\n3-5\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+"}, "*4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n3-5\r\n*4\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n5\r\n", ""},
		{[]string{"XREVRANGE", "s", "+", "-"}, "*4\r\n*2\r\n$3\r\n3-5\r\n*4\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n5\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", ""},
		{[]string{"XRANGE", "s", "1", "1"}, "*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", ""},
		{[]string{"XRANGE", "s", "1-2", "2"}, "*2\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n", ""},
		{[]string{"XRANGE", "s", "3", "1"}, "*0\r\n", ""},
		{[]string{"XREVRANGE", "s", "1", "3"}, "*0\r\n", ""},
		{[]string{"XRANGE", "s", "(1", "(2"}, "*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n", ""},
		{[]string{"XRANGE", "s", "(1-1", "+"}, "*3\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n3-5\r\n*4\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n5\r\n", ""},
		{[]string{"XRANGE", "s", "-", "(2-0"}, "*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", ""},
		{[]string{"XRANGE", "s", "(1-2", "(3-5"}, "*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n", ""},
		{[]string{"XREVRANGE", "s", "(3-5", "(1-1"}, "*2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", ""},
		{[]string{"XREVRANGE", "s", "(2", "-"}, "*3\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", ""},
		{[]string{"XRANGE", "s", "0", "0"}, "*0\r\n", ""},
		{[]string{"XRANGE", "s", "2", "2"}, "*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n", ""},
		{[]string{"XRANGE", "s", "18446744073709551615", "+"}, "*0\r\n", ""},
		{[]string{"XRANGE", "s", "-", "(0"}, "*0\r\n", ""},
		{[]string{"XRANGE", "s", "(18446744073709551614-18446744073709551615", "+"}, "*0\r\n", ""},
	}},
	{name: "bound errors", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "1-2", "a", "2"}, "$3\r\n1-2\r\n", ""},
		{[]string{"XADD", "s", "2-0", "a", "3"}, "$3\r\n2-0\r\n", ""},
		{[]string{"XADD", "s", "3-5", "b", "4", "c", "5"}, "$3\r\n3-5\r\n", ""},
		{[]string{"XRANGE", "s", "(-", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XRANGE", "s", "-", "(+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XRANGE", "s", "(", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"}, "-ERR invalid start ID for the interval\r\n", ""},
		{[]string{"XRANGE", "s", "-", "(0-0"}, "-ERR invalid end ID for the interval\r\n", ""},
		{[]string{"XRANGE", "s", "(0-0", "+"}, "*4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n3-5\r\n*4\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n5\r\n", ""},
		{[]string{"XRANGE", "s", "abc", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XRANGE", "s", "-", "abc"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XRANGE", "s", "((1", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XRANGE", "s", "(*", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XRANGE", "s", "1-*", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREVRANGE", "s", "(-", "-"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREVRANGE", "s", "+", "(-"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREVRANGE", "s", "(+", "-"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREVRANGE", "s", "(0-0", "-"}, "-ERR invalid end ID for the interval\r\n", ""},
		{[]string{"XREVRANGE", "s", "+", "(18446744073709551615-18446744073709551615"}, "-ERR invalid start ID for the interval\r\n", ""},
		{[]string{"XRANGE", "s", "abc", "(0-0"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREVRANGE", "s", "abc", "(18446744073709551615-18446744073709551615"}, "-ERR invalid start ID for the interval\r\n", ""},
		{[]string{"XRANGE", "nokey", "abc", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+", "COUNT", "x"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XRANGE", "s", "abc", "+", "COUNT", "x"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XRANGE", "s", "18446744073709551616", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
	}},
	{name: "count", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "1-2", "a", "2"}, "$3\r\n1-2\r\n", ""},
		{[]string{"XADD", "s", "2-0", "a", "3"}, "$3\r\n2-0\r\n", ""},
		{[]string{"XADD", "s", "3-5", "b", "4", "c", "5"}, "$3\r\n3-5\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+", "COUNT", "0"}, "*-1\r\n", "_\r\n"},
		{[]string{"XRANGE", "s", "-", "+", "COUNT", "-1"}, "*-1\r\n", "_\r\n"},
		{[]string{"XRANGE", "s", "-", "+", "COUNT", "2"}, "*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", ""},
		{[]string{"XREVRANGE", "s", "+", "-", "COUNT", "2"}, "*2\r\n*2\r\n$3\r\n3-5\r\n*4\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n5\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+", "COUNT", "abc"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+", "COUNT"}, "-ERR syntax error\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+", "LIMIT", "1"}, "-ERR syntax error\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+", "COUNT", "1", "COUNT", "3"}, "*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+", "count", "9223372036854775807"}, "*4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n3-5\r\n*4\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n5\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+", "COUNT", "9223372036854775808"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+", "COUNT", "1", "foo"}, "-ERR syntax error\r\n", ""},
		{[]string{"XRANGE", "nokey", "-", "+"}, "*0\r\n", ""},
		{[]string{"XRANGE", "nokey", "-", "+", "COUNT", "0"}, "*0\r\n", ""},
		{[]string{"XRANGE", "nokey", "-", "+", "COUNT", "x"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XREVRANGE", "nokey", "+", "-"}, "*0\r\n", ""},
		{[]string{"XRANGE", "s", "9", "+", "COUNT", "0"}, "*-1\r\n", "_\r\n"},
		{[]string{"XRANGE", "s", "9", "+"}, "*0\r\n", ""},
	}},
	{name: "xlen", cmds: []xcase{
		{[]string{"XLEN", "s"}, ":0\r\n", ""},
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XLEN", "s"}, ":1\r\n", ""},
		{[]string{"XADD", "s", "1-2", "a", "2"}, "$3\r\n1-2\r\n", ""},
		{[]string{"XDEL", "s", "1-1"}, ":1\r\n", ""},
		{[]string{"XLEN", "s"}, ":1\r\n", ""},
		{[]string{"XDEL", "s", "1-2"}, ":1\r\n", ""},
		{[]string{"XLEN", "s"}, ":0\r\n", ""},
	}},
}

func TestXRangeExec(t *testing.T) { runScripts(t, xrangeScripts) }

// TestXRangeLong reads ranges across many nodes in both directions and
// checks them against the entries appended.
func TestXRangeLong(t *testing.T) {
	f := newFake(t, Options{})
	const n = 1000
	for i := 1; i <= n; i++ {
		f.do("XADD", "s", itoa(i)+"-"+itoa(i%3), "f", itoa(i))
	}
	for _, tc := range []struct {
		cmd   []string
		first string
		count int
	}{
		{[]string{"XRANGE", "s", "250", "(500-0"}, "250-1", 250},
		{[]string{"XREVRANGE", "s", "(500-0", "250"}, "499-1", 250},
		{[]string{"XRANGE", "s", "250", "(500"}, "250-1", 251},
		{[]string{"XRANGE", "s", "-", "+", "COUNT", "333"}, "1-1", 333},
		{[]string{"XREVRANGE", "s", "+", "-", "COUNT", "333"}, "1000-1", 333},
		{[]string{"XREVRANGE", "s", "+", "-"}, "1000-1", n},
	} {
		got := f.do(tc.cmd...)
		wantHead := "*" + itoa(tc.count) + "\r\n*2\r\n$" + itoa(len(tc.first)) + "\r\n" + tc.first + "\r\n"
		if len(got) < len(wantHead) || got[:len(wantHead)] != wantHead {
			t.Errorf("%v: reply starts %q, want %q", tc.cmd, got[:min(len(got), 40)], wantHead)
		}
	}
}

func BenchmarkXRange(b *testing.B) {
	f := newFake(b, Options{})
	for i := 1; i <= 1000; i++ {
		f.do("XADD", "s", itoa(i)+"-0", "field", "value-of-some-sixteen")
	}
	for _, bc := range []struct {
		name string
		cmd  string
	}{
		{"count10", "XRANGE s 500 + COUNT 10"},
		{"count100", "XRANGE s - + COUNT 100"},
		{"rev10", "XREVRANGE s + - COUNT 10"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cmd := args(bc.cmd)
			b.ReportAllocs()
			for b.Loop() {
				f.c.w.Reset()
				f.s.execute(f.c, cmd)
			}
		})
	}
}
