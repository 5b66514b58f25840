package commands

import (
	"reflect"
	"testing"
	"time"

	"github.com/runnel-db/runnel/stream"
)

func TestXReadParse(t *testing.T) {
	const now = 1700000000000
	tests := []struct {
		in   string
		want xreadArgs
		err  error
	}{
		{in: "XREAD STREAMS s 0", want: xreadArgs{Keys: args("s"), IDs: []readID{{Kind: readAfter}}}},
		{in: "XREAD COUNT 5 BLOCK 100 STREAMS s t $ 7", want: xreadArgs{Count: 5, Block: true, Deadline: time.UnixMilli(now + 100),
			Keys: args("s t"), IDs: []readID{{Kind: readNew}, {Kind: readAfter, ID: stream.ID{Ms: 7}}}}},
		{in: "XREAD BLOCK 0 COUNT -3 STREAMS s +", want: xreadArgs{Block: true, Keys: args("s"), IDs: []readID{{Kind: readLast}}}},
		// The keys are the first half after STREAMS, even when they look
		// like options.
		{in: "XREAD STREAMS COUNT BLOCK 1-1 2-2", want: xreadArgs{Keys: args("COUNT BLOCK"),
			IDs: []readID{{Kind: readAfter, ID: stream.ID{Ms: 1, Seq: 1}}, {Kind: readAfter, ID: stream.ID{Ms: 2, Seq: 2}}}}},
		// Bad IDs fail in their turn, when the command runs.
		{in: "XREAD STREAMS s t u > bad 5-*", want: xreadArgs{Keys: args("s t u"),
			IDs: []readID{{Kind: readBad, Err: ErrXReadGreaterID}, {Kind: readBad, Err: ErrInvalidStreamID}, {Kind: readBad, Err: ErrInvalidStreamID}}}},
		{in: "XREAD STREAMS s t 0", err: errUnbalancedStreams("xread", '$')},
		{in: "XREAD COUNT 1", err: ErrSyntax},
		{in: "XREAD COUNT 1 STREAMS", err: ErrSyntax},
		{in: "XREAD COUNT x STREAMS s 0", err: ErrNotInteger},
		{in: "XREAD BLOCK x STREAMS s 0", err: ErrTimeoutNotInt},
		{in: "XREAD BLOCK -1 STREAMS s 0", err: ErrTimeoutNegative},
		{in: "XREAD BLOCK 9223372036854775807 STREAMS s 0", err: ErrTimeoutRange},
		{in: "XREAD BLOCK 9223370336854775808 STREAMS s 0", err: ErrTimeoutRange},
		{in: "XREAD BLOCK 9223372036854775808 STREAMS s 0", err: ErrTimeoutNotInt},
		{in: "XREAD GROUP g c STREAMS s 0", err: ErrXReadGroupOption},
		{in: "XREAD NOACK STREAMS s 0", err: ErrXReadNoAckOption},
		{in: "XREAD FOO STREAMS s 0", err: ErrSyntax},
	}
	for _, tt := range tests {
		got, err := parseXRead(args(tt.in), now)
		if err != tt.err {
			t.Errorf("%s: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.in, got, tt.want)
		}
	}
	// The largest timeout that does not overflow is accepted.
	if a, err := parseXRead(args("XREAD BLOCK 9223370336854775807 STREAMS s 0"), now); err != nil || !a.Block {
		t.Errorf("BLOCK at the limit: %+v, %v", a, err)
	}
}

func TestXReadKeys(t *testing.T) {
	cmd := Lookup("xread")
	for _, tt := range []struct {
		in   string
		want []int
	}{
		{"XREAD STREAMS a b 0 0", []int{2, 3}},
		{"XREAD COUNT 1 BLOCK 0 streams a 0", []int{6}},
		{"XREAD COUNT 1", nil},
	} {
		if got := cmd.keys(args(tt.in)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: keys %v, want %v", tt.in, got, tt.want)
		}
	}
}

var xreadScripts = []xscript{
	{name: "xread", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "1-2", "a", "2"}, "$3\r\n1-2\r\n", ""},
		{[]string{"XADD", "t", "5-0", "b", "1"}, "$3\r\n5-0\r\n", ""},
		{[]string{"XREAD", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "1-1"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "1-2"}, "*-1\r\n", "_\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "1"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XREAD", "COUNT", "1", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"XREAD", "COUNT", "0", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XREAD", "COUNT", "-5", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XREAD", "COUNT", "1", "COUNT", "2", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "t", "0", "0"}, "*2\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nb\r\n$1\r\n1\r\n", "%2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nb\r\n$1\r\n1\r\n"},
		{[]string{"XREAD", "STREAMS", "t", "s", "0", "1-1"}, "*2\r\n*2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nb\r\n$1\r\n1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "s", "0", "1-1"}, "*2\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XREAD", "STREAMS", "nokey", "s", "0", "1-1"}, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XREAD", "STREAMS", "nokey", "0"}, "*-1\r\n", "_\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "$"}, "*-1\r\n", "_\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "t", "$", "0"}, "*1\r\n*2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nb\r\n$1\r\n1\r\n", "%1\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nb\r\n$1\r\n1\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "18446744073709551615-18446744073709551615"}, "*-1\r\n", "_\r\n"},
		{[]string{"XREAD", "BLOCK", "10", "STREAMS", "s", "0"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XREAD", "block", "0", "count", "1", "STREAMS", "t", "s", "0", "0"}, "*2\r\n*2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nb\r\n$1\r\n1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "%2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"XREAD", "streams", "streams", "streams", "0", "0"}, "*-1\r\n", "_\r\n"},
		{[]string{"XREAD", "STREAMS", "s", " 1"}, "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n", "%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n"},
		{[]string{"XREAD", "STREAMS", "s", "1-2", "t", "0"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
	}},
	{name: "xread errors", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "1-2", "a", "2"}, "$3\r\n1-2\r\n", ""},
		{[]string{"XADD", "t", "5-0", "b", "1"}, "$3\r\n5-0\r\n", ""},
		{[]string{"XREAD", "STREAMS", "s"}, "-ERR wrong number of arguments for 'xread' command\r\n", ""},
		// Redis 7.4 (REDIS74 §3): the command name, lower case, in quotes
		{[]string{"XREAD", "COUNT", "1", "STREAMS", "s", "t", "0"}, "-ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.\r\n", ""},
		// Redis 7.4 (REDIS74 §3): the command name, lower case, in quotes
		{[]string{"XREAD", "STREAMS", "streams", "streams", "0"}, "-ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.\r\n", ""},
		// Redis 7.4 (REDIS74 §3): the command name, lower case, in quotes
		{[]string{"xReAd", "STREAMS", "s", "0", "extra"}, "-ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.\r\n", ""},
		{[]string{"XREAD", "foo", "STREAMS", "s", "0"}, "-ERR syntax error\r\n", ""},
		{[]string{"XREAD", "COUNT", "x", "STREAMS", "s", "0"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XREAD", "COUNT", "9223372036854775808", "STREAMS", "s", "0"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XREAD", "BLOCK", "x", "STREAMS", "s", "0"}, "-ERR timeout is not an integer or out of range\r\n", ""},
		{[]string{"XREAD", "BLOCK", "-1", "STREAMS", "s", "0"}, "-ERR timeout is negative\r\n", ""},
		{[]string{"XREAD", "BLOCK", "9223372036854775808", "STREAMS", "s", "0"}, "-ERR timeout is not an integer or out of range\r\n", ""},
		{[]string{"XREAD", "BLOCK", "1.5", "STREAMS", "s", "0"}, "-ERR timeout is not an integer or out of range\r\n", ""},
		{[]string{"XREAD", "BLOCK", "0", "COUNT"}, "-ERR syntax error\r\n", ""},
		{[]string{"XREAD", "COUNT", "1", "BLOCK"}, "-ERR syntax error\r\n", ""},
		{[]string{"XREAD", "COUNT", "1", "STREAMS"}, "-ERR syntax error\r\n", ""},
		{[]string{"XREAD", "COUNT", "1", "BLOCK", "5"}, "-ERR syntax error\r\n", ""},
		{[]string{"XREAD", "STREAMS", "s", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREAD", "STREAMS", "s", ">"}, "-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.\r\n", ""},
		{[]string{"XREAD", "STREAMS", "s", "-"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREAD", "STREAMS", "s", "(1"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREAD", "STREAMS", "s", "1-*"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREAD", "STREAMS", "s", "t", "0", "bad"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREAD", "STREAMS", "s", "t", "bad", ">"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XREAD", "STREAMS", "s", "t", ">", "bad"}, "-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.\r\n", ""},
		{[]string{"XREAD", "GROUP", "g", "c", "STREAMS", "s", "0"}, "-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.\r\n", ""},
		{[]string{"XREAD", "NOACK", "STREAMS", "s", "0"}, "-ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.\r\n", ""},
		{[]string{"XREAD", "GROUP", "g", "STREAMS", "s", "0"}, "-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.\r\n", ""},
		{[]string{"XREAD", "BLOCK", "5", "NOACK", "STREAMS", "s", "0"}, "-ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.\r\n", ""},
		{[]string{"XREAD", "BLOCK", "x", "GROUP", "g", "c", "STREAMS", "s", "0"}, "-ERR timeout is not an integer or out of range\r\n", ""},
		{[]string{"XREAD", "COUNT", "1", "GROUP", "g", "c"}, "-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.\r\n", ""},
		// Redis 7.4 (REDIS74 §21): now+BLOCK would overflow
		{[]string{"XREAD", "BLOCK", "9223372036854775807", "STREAMS", "s", "0"}, "-ERR timeout is out of range\r\n", ""},
		// Redis 7.4 (REDIS74 §21): checked while parsing
		{[]string{"XREAD", "BLOCK", "9223372036854775807", "STREAMS", "s", "bad"}, "-ERR timeout is out of range\r\n", ""},
	}},
	{name: "xread plus", cmds: []xcase{
		{[]string{"XADD", "ticker", "100-1", "px", "10"}, "$5\r\n100-1\r\n", ""},
		{[]string{"XADD", "ticker", "100-2", "px", "11"}, "$5\r\n100-2\r\n", ""},
		{[]string{"XADD", "ticker", "205-0", "px", "12"}, "$5\r\n205-0\r\n", ""},
		// Redis 7.4 (REDIS74 §1): + is the last entry
		{[]string{"XREAD", "COUNT", "5", "STREAMS", "ticker", "absent", "+", "+"}, "*1\r\n*2\r\n$6\r\nticker\r\n*1\r\n*2\r\n$5\r\n205-0\r\n*2\r\n$2\r\npx\r\n$2\r\n12\r\n", "%1\r\n$6\r\nticker\r\n*1\r\n*2\r\n$5\r\n205-0\r\n*2\r\n$2\r\npx\r\n$2\r\n12\r\n"},
		// Redis 7.4 (REDIS74 §1): + is the last entry
		{[]string{"XREAD", "STREAMS", "absent", "+"}, "*-1\r\n", "_\r\n"},
		{[]string{"XADD", "gap", "3-1", "px", "20"}, "$3\r\n3-1\r\n", ""},
		{[]string{"XADD", "gap", "3-2", "px", "21"}, "$3\r\n3-2\r\n", ""},
		{[]string{"XDEL", "gap", "3-2"}, ":1\r\n", ""},
		// Redis 7.4 (REDIS74 §1): the last-generated ID 3-2 was deleted
		{[]string{"XREAD", "STREAMS", "gap", "+"}, "*-1\r\n", "_\r\n"},
		// Redis 7.4 (REDIS74 §1): + is the last entry
		{[]string{"XREAD", "STREAMS", "gap", "ticker", "+", "205"}, "*-1\r\n", "_\r\n"},
		// Redis 7.4 (REDIS74 §1): + is the last entry
		{[]string{"XREAD", "STREAMS", "gap", "ticker", "+", "0"}, "*1\r\n*2\r\n$6\r\nticker\r\n*3\r\n*2\r\n$5\r\n100-1\r\n*2\r\n$2\r\npx\r\n$2\r\n10\r\n*2\r\n$5\r\n100-2\r\n*2\r\n$2\r\npx\r\n$2\r\n11\r\n*2\r\n$5\r\n205-0\r\n*2\r\n$2\r\npx\r\n$2\r\n12\r\n", "%1\r\n$6\r\nticker\r\n*3\r\n*2\r\n$5\r\n100-1\r\n*2\r\n$2\r\npx\r\n$2\r\n10\r\n*2\r\n$5\r\n100-2\r\n*2\r\n$2\r\npx\r\n$2\r\n11\r\n*2\r\n$5\r\n205-0\r\n*2\r\n$2\r\npx\r\n$2\r\n12\r\n"},
		{[]string{"XADD", "fresh", "1-1", "px", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XTRIM", "fresh", "MAXLEN", "0"}, ":1\r\n", ""},
		{[]string{"XSETID", "fresh", "0-0"}, "+OK\r\n", ""},
		// Redis 7.4 (REDIS74 §1): the stream exists and its last-generated ID is 0-0
		{[]string{"XREAD", "STREAMS", "fresh", "+"}, "-ERR the stream last element ID is 0-0\r\n", ""},
		// Redis 7.4: IDs are checked in argument order
		{[]string{"XREAD", "STREAMS", "fresh", "ticker", "+", "bad"}, "-ERR the stream last element ID is 0-0\r\n", ""},
		{[]string{"XREAD", "STREAMS", "fresh", "ticker", "bad", "+"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		// Redis 7.4 (REDIS74 §1): + is the last entry
		{[]string{"XREAD", "BLOCK", "0", "STREAMS", "ticker", "+"}, "*1\r\n*2\r\n$6\r\nticker\r\n*1\r\n*2\r\n$5\r\n205-0\r\n*2\r\n$2\r\npx\r\n$2\r\n12\r\n", "%1\r\n$6\r\nticker\r\n*1\r\n*2\r\n$5\r\n205-0\r\n*2\r\n$2\r\npx\r\n$2\r\n12\r\n"},
	}},
	{name: "xread multi", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "1-2", "a", "2"}, "$3\r\n1-2\r\n", ""},
		{[]string{"XADD", "t", "5-0", "b", "1"}, "$3\r\n5-0\r\n", ""},
		{[]string{"MULTI"}, "+OK\r\n", ""},
		{[]string{"XREAD", "BLOCK", "0", "STREAMS", "s", "$"}, "+QUEUED\r\n", ""},
		{[]string{"XREAD", "BLOCK", "0", "STREAMS", "s", "0"}, "+QUEUED\r\n", ""},
		{[]string{"XREAD", "BLOCK", "10", "STREAMS", "nokey", "0"}, "+QUEUED\r\n", ""},
		{[]string{"EXEC"}, "*3\r\n*-1\r\n*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*-1\r\n", "*3\r\n_\r\n%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n_\r\n"},
	}},
}

func TestXReadExec(t *testing.T) { runScripts(t, xreadScripts) }
