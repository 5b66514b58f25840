package commands

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/persist"
	"github.com/runnel-db/runnel/stream"
)

func args(s string) [][]byte {
	var out [][]byte
	for _, a := range strings.Split(s, " ") {
		out = append(out, []byte(a))
	}
	return out
}

func TestXAddParse(t *testing.T) {
	max := ^uint64(0)
	tests := []struct {
		in     string
		want   addTrimArgs
		fields int
		err    error
	}{
		{in: "XADD s * f v", want: addTrimArgs{IDPos: 2}, fields: 2},
		{in: "XADD s 5-3 f v g w", want: addTrimArgs{ID: stream.ID{Ms: 5, Seq: 3}, IDGiven: true, SeqGiven: true, IDPos: 2}, fields: 4},
		{in: "XADD s 5 f v", want: addTrimArgs{ID: stream.ID{Ms: 5}, IDGiven: true, SeqGiven: true, IDPos: 2}, fields: 2},
		{in: "XADD s 5-* f v", want: addTrimArgs{ID: stream.ID{Ms: 5}, IDGiven: true, IDPos: 2}, fields: 2},
		{in: "XADD s 0-* f v", want: addTrimArgs{IDGiven: true, IDPos: 2}, fields: 2},
		{in: "XADD s 18446744073709551615-18446744073709551615 f v", want: addTrimArgs{ID: stream.Max, IDGiven: true, SeqGiven: true, IDPos: 2}, fields: 2},
		{in: "XADD s NOMKSTREAM MAXLEN ~ 10 LIMIT 5 * f v", want: addTrimArgs{NoMkStream: true, Trim: trimArgs{Strategy: trimMaxLen, Approx: true, MaxLen: 10, Limit: 5, LimitGiven: true}, IDPos: 8}, fields: 2},
		{in: "XADD s maxlen = 0 * f v", want: addTrimArgs{Trim: trimArgs{Strategy: trimMaxLen}, IDPos: 5}, fields: 2},
		{in: "XADD s MINID 7 1-1 f v", want: addTrimArgs{Trim: trimArgs{Strategy: trimMinID, MinID: stream.ID{Ms: 7}}, ID: stream.ID{Ms: 1, Seq: 1}, IDGiven: true, SeqGiven: true, IDPos: 4}, fields: 2},
		{in: "XADD s MINID ~ 7-" + strconv.FormatUint(max, 10) + " * f v", want: addTrimArgs{Trim: trimArgs{Strategy: trimMinID, Approx: true, MinID: stream.ID{Ms: 7, Seq: max}}, IDPos: 5}, fields: 2},
		// "~" right before the ID is the threshold, not the approximation flag.
		{in: "XADD s MAXLEN ~ * f v", err: ErrNotInteger},
		{in: "XADD s MAXLEN ~ 1 LIMIT 0 LIMIT 3 NOMKSTREAM * f v", want: addTrimArgs{NoMkStream: true, Trim: trimArgs{Strategy: trimMaxLen, Approx: true, MaxLen: 1, Limit: 3, LimitGiven: true}, IDPos: 10}, fields: 2},
		{in: "XADD s 0-0 f v", err: ErrStreamIDZero},
		{in: "XADD s 0 f v", err: ErrStreamIDZero},
		{in: "XADD s 0-0 f", err: errWrongArity("xadd")},
		{in: "XADD s * f v g", err: errWrongArity("xadd")},
		{in: "XADD s NOMKSTREAM NOMKSTREAM NOMKSTREAM", err: errWrongArity("xadd")},
		{in: "XADD s MAXLEN -1 * f", err: ErrMaxLenNegative},
		{in: "XADD s MAXLEN x * f v", err: ErrNotInteger},
		{in: "XADD s MAXLEN 1 MAXLEN 1 * f v", err: ErrMaxLenAndMinID},
		{in: "XADD s MINID 1 MAXLEN 1 * f v", err: ErrMaxLenAndMinID},
		{in: "XADD s MINID 1-* * f v", err: ErrInvalidStreamID},
		{in: "XADD s MINID + * f v", err: ErrInvalidStreamID},
		{in: "XADD s LIMIT 1 * f v", err: ErrLimitNoStrategy},
		{in: "XADD s LIMIT 0 * f v", err: ErrLimitNoApprox},
		{in: "XADD s LIMIT -1 * f v", err: ErrLimitNegative},
		{in: "XADD s MAXLEN 1 LIMIT 1 * f v", err: ErrLimitNoApprox},
		{in: "XADD s - f v", err: ErrInvalidStreamID},
		{in: "XADD s 1-2-3 f v", err: ErrInvalidStreamID},
		{in: "XADD s FOO f v", err: ErrInvalidStreamID},
		// Redis 8.2's reference policy, before or after the trim options,
		// also without one ("XADD IDMP with KEEPREF option").
		{in: "XADD s MAXLEN = 1 ACKED 6-0 f v", want: addTrimArgs{Trim: trimArgs{Strategy: trimMaxLen, MaxLen: 1, Policy: ackedRef}, ID: stream.ID{Ms: 6}, IDGiven: true, SeqGiven: true, IDPos: 6}, fields: 2},
		{in: "XADD s delref MAXLEN 1 * f v", want: addTrimArgs{Trim: trimArgs{Strategy: trimMaxLen, MaxLen: 1, Policy: delRef}, IDPos: 5}, fields: 2},
		{in: "XADD s KEEPREF * f v", want: addTrimArgs{IDPos: 3}, fields: 2},
		{in: "XADD s ACKED DELREF * f v", want: addTrimArgs{Trim: trimArgs{Policy: delRef}, IDPos: 4}, fields: 2},
	}
	for _, tt := range tests {
		a, err := parseXAdd(args(tt.in))
		if err != tt.err {
			t.Errorf("%s: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		if a.addTrimArgs != tt.want || len(a.Fields) != tt.fields || string(a.Key) != "s" {
			t.Errorf("%s:\n got %+v, %d fields\nwant %+v, %d fields", tt.in, a.addTrimArgs, len(a.Fields), tt.want, tt.fields)
		}
	}
}

func TestXTrimParse(t *testing.T) {
	tests := []struct {
		in   string
		want trimArgs
		err  error
	}{
		{in: "XTRIM s MAXLEN 5", want: trimArgs{Strategy: trimMaxLen, MaxLen: 5}},
		{in: "XTRIM s MAXLEN = 5", want: trimArgs{Strategy: trimMaxLen, MaxLen: 5}},
		{in: "XTRIM s minid ~ 5-5 limit 9", want: trimArgs{Strategy: trimMinID, Approx: true, MinID: stream.ID{Ms: 5, Seq: 5}, Limit: 9, LimitGiven: true}},
		{in: "XTRIM s MAXLEN ~", err: ErrNotInteger},
		{in: "XTRIM s MAXLEN", err: ErrSyntax},
		{in: "XTRIM s foo", err: ErrSyntax},
		{in: "XTRIM s * MAXLEN 1", err: ErrSyntax},
		{in: "XTRIM s NOMKSTREAM MAXLEN 1", err: ErrSyntax},
		{in: "XTRIM s LIMIT 0", err: ErrXTrimNoStrategy},
		{in: "XTRIM s LIMIT 5", err: ErrLimitNoStrategy},
		{in: "XTRIM s MAXLEN 1 LIMIT 5", err: ErrLimitNoApprox},
		{in: "XTRIM s MAXLEN ~ 1 LIMIT 5 foo", err: ErrSyntax},
		{in: "XTRIM s MINID 3 MAXLEN 2", err: ErrMaxLenAndMinID},
		{in: "XTRIM s MAXLEN -1", err: ErrMaxLenNegative},
		{in: "XTRIM s MINID (1", err: ErrInvalidStreamID},
		{in: "XTRIM s MAXLEN 5 ACKED", want: trimArgs{Strategy: trimMaxLen, MaxLen: 5, Policy: ackedRef}},
		{in: "XTRIM s DELREF MINID ~ 5 LIMIT 2", want: trimArgs{Strategy: trimMinID, Approx: true, MinID: stream.ID{Ms: 5}, Limit: 2, LimitGiven: true, Policy: delRef}},
		{in: "XTRIM s keepref maxlen 0", want: trimArgs{Strategy: trimMaxLen}},
		{in: "XTRIM s ACKED", err: ErrXTrimNoStrategy},
		{in: "XTRIM s ACKED DELREF KEEPREF", err: ErrXTrimNoStrategy},
		{in: "XTRIM s MAXLEN 1 NOREF", err: ErrSyntax},
	}
	for _, tt := range tests {
		got, err := parseXTrim(args(tt.in))
		if err != tt.err || (err == nil && got != tt.want) {
			t.Errorf("%s: %+v, %v; want %+v, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

var xaddScripts = []xscript{
	{name: "ids", cmds: []xcase{
		{[]string{"XADD", "s", "0-0", "f", "v"}, "-ERR The ID specified in XADD must be greater than 0-0\r\n", ""},
		{[]string{"XADD", "s", "0", "f", "v"}, "-ERR The ID specified in XADD must be greater than 0-0\r\n", ""},
		{[]string{"XADD", "s", "0-*", "f", "v"}, "$3\r\n0-1\r\n", ""},
		{[]string{"XADD", "s", "5-5", "f", "v"}, "$3\r\n5-5\r\n", ""},
		{[]string{"XADD", "s", "5-5", "f", "v"}, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", ""},
		{[]string{"XADD", "s", "5-4", "f", "v"}, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", ""},
		{[]string{"XADD", "s", "5", "f", "v"}, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", ""},
		{[]string{"XADD", "s", "5-*", "f", "v"}, "$3\r\n5-6\r\n", ""},
		{[]string{"XADD", "s", "4-*", "f", "v"}, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", ""},
		{[]string{"XADD", "s", "6", "f", "v"}, "$3\r\n6-0\r\n", ""},
		{[]string{"XADD", "s", "0-0", "f", "v"}, "-ERR The ID specified in XADD must be greater than 0-0\r\n", ""},
		{[]string{"XADD", "s", "-", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "+", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "(7", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "$", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "7-**", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "18446744073709551616-1", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "7-18446744073709551616", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "7-", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "-7", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", " 9", "f", "v"}, "$3\r\n9-0\r\n", ""},
		{[]string{"XADD", "s", "+10", "f", "v"}, "$4\r\n10-0\r\n", ""},
		{[]string{"XADD", "s", "010-1", "f", "v"}, "$4\r\n10-1\r\n", ""},
		{[]string{"XLEN", "s"}, ":7\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+"}, "*7\r\n*2\r\n$3\r\n0-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n5-6\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n6-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n9-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$4\r\n10-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", ""},
	}},
	{name: "arity", cmds: []xcase{
		{[]string{"XADD", "s", "f", "v"}, "-ERR wrong number of arguments for 'xadd' command\r\n", ""},
		{[]string{"XADD", "s", "6-1", "f"}, "-ERR wrong number of arguments for 'xadd' command\r\n", ""},
		{[]string{"XADD", "s", "6-1", "f", "v", "g"}, "-ERR wrong number of arguments for 'xadd' command\r\n", ""},
		{[]string{"XADD", "s", "*", "f"}, "-ERR wrong number of arguments for 'xadd' command\r\n", ""},
		{[]string{"XADD", "s", "MAXLEN", "1", "*", "f"}, "-ERR wrong number of arguments for 'xadd' command\r\n", ""},
		{[]string{"XADD", "s", "NOMKSTREAM", "NOMKSTREAM", "NOMKSTREAM"}, "-ERR wrong number of arguments for 'xadd' command\r\n", ""},
		{[]string{"XADD", "s", "0-0", "f"}, "-ERR wrong number of arguments for 'xadd' command\r\n", ""},
		{[]string{"XADD", "s", "MAXLEN", "-1", "*", "f"}, "-ERR The MAXLEN argument must be >= 0.\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "-ERR no such key\r\n", ""},
	}},
	{name: "options", cmds: []xcase{
		{[]string{"XADD", "s", "MAXLEN", "-1", "*", "f", "v"}, "-ERR The MAXLEN argument must be >= 0.\r\n", ""},
		{[]string{"XADD", "s", "MAXLEN", "abc", "*", "f", "v"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XADD", "s", "MAXLEN", "1", "LIMIT", "10", "*", "f", "v"}, "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n", ""},
		{[]string{"XADD", "s", "MAXLEN", "~", "1", "LIMIT", "-1", "*", "f", "v"}, "-ERR The LIMIT argument must be >= 0.\r\n", ""},
		{[]string{"XADD", "s", "MAXLEN", "~", "1", "LIMIT", "abc", "*", "f", "v"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XADD", "s", "MINID", "abc", "*", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "MINID", "1-*", "*", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "MINID", "-", "*", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "f", "v"}, "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n", ""},
		{[]string{"XADD", "s", "MINID", "1", "MAXLEN", "1", "*", "f", "v"}, "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n", ""},
		{[]string{"XADD", "s", "MAXLEN", "1", "MAXLEN", "2", "*", "f", "v"}, "-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n", ""},
		{[]string{"XADD", "s", "LIMIT", "10", "*", "f", "v"}, "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n", ""},
		{[]string{"XADD", "s", "LIMIT", "0", "*", "f", "v"}, "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n", ""},
		{[]string{"XADD", "s", "LIMIT", "5", "LIMIT", "0", "*", "f", "v"}, "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n", ""},
		{[]string{"XADD", "s", "maxlen", "~", "f", "v"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XADD", "s", "maxlen", "1", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XADD", "s", "maxlen", "=", "x", "1-1", "f", "v"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XADD", "s", "MAXLEN", "9223372036854775808", "1-1", "f", "v"}, "-ERR value is not an integer or out of range\r\n", ""},
		{[]string{"XADD", "s", "LIMIT", "5", "22-0", "f"}, "-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n", ""},
		{[]string{"XADD", "s", "FOO", "1-1", "f", "v"}, "-ERR Invalid stream ID specified as stream command argument\r\n", ""},
		{[]string{"XINFO", "STREAM", "s"}, "-ERR no such key\r\n", ""},
	}},
	{name: "nomkstream", cmds: []xcase{
		{[]string{"XADD", "s", "NOMKSTREAM", "1-1", "f", "v"}, "$-1\r\n", "_\r\n"},
		{[]string{"XINFO", "STREAM", "s"}, "-ERR no such key\r\n", ""},
		{[]string{"XADD", "s", "1-1", "f", "v"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "NOMKSTREAM", "2-1", "f", "v"}, "$3\r\n2-1\r\n", ""},
		{[]string{"XADD", "s", "nomkstream", "maxlen", "1", "3-1", "f", "v"}, "$3\r\n3-1\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+"}, "*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", ""},
	}},
	{name: "exhausted", cmds: []xcase{
		{[]string{"XADD", "m", "77-18446744073709551615", "w", "1"}, "$23\r\n77-18446744073709551615\r\n", ""},
		// Redis 7.4: ms-* with no sequence left is 'equal or smaller' (7.0.15: Elements are too large)
		{[]string{"XADD", "m", "77-*", "w", "2"}, "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", ""},
		{[]string{"XLEN", "m"}, ":1\r\n", ""},
		{[]string{"XADD", "m", "78-*", "w", "3"}, "$4\r\n78-0\r\n", ""},
		{[]string{"XADD", "m", "18446744073709551615-18446744073709551615", "w", "1"}, "$41\r\n18446744073709551615-18446744073709551615\r\n", ""},
		{[]string{"XADD", "m", "*", "f", "v"}, "-ERR The stream has exhausted the last possible ID, unable to add more items\r\n", ""},
		{[]string{"XADD", "m", "1-1", "f", "v"}, "-ERR The stream has exhausted the last possible ID, unable to add more items\r\n", ""},
		{[]string{"XADD", "m", "18446744073709551615-*", "f", "v"}, "-ERR The stream has exhausted the last possible ID, unable to add more items\r\n", ""},
		{[]string{"XADD", "m", "MAXLEN", "0", "*", "f", "v"}, "-ERR The stream has exhausted the last possible ID, unable to add more items\r\n", ""},
		{[]string{"XLEN", "m"}, ":3\r\n", ""},
	}},
	{name: "trim", cmds: []xcase{
		{[]string{"XADD", "t", "1-0", "a", "1"}, "$3\r\n1-0\r\n", ""},
		{[]string{"XADD", "t", "2-0", "a", "2"}, "$3\r\n2-0\r\n", ""},
		{[]string{"XADD", "t", "3-0", "a", "3"}, "$3\r\n3-0\r\n", ""},
		{[]string{"XADD", "t", "MAXLEN", "2", "4-0", "a", "4"}, "$3\r\n4-0\r\n", ""},
		{[]string{"XRANGE", "t", "-", "+"}, "*2\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n", ""},
		{[]string{"XADD", "t", "MINID", "4", "5-0", "a", "5"}, "$3\r\n5-0\r\n", ""},
		{[]string{"XRANGE", "t", "-", "+"}, "*2\r\n*2\r\n$3\r\n4-0\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n", ""},
		{[]string{"XADD", "t", "MAXLEN", "=", "1", "6-0", "a", "6"}, "$3\r\n6-0\r\n", ""},
		{[]string{"XRANGE", "t", "-", "+"}, "*1\r\n*2\r\n$3\r\n6-0\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n", ""},
		{[]string{"XADD", "t", "MAXLEN", "~", "1", "7-0", "a", "7"}, "$3\r\n7-0\r\n", ""},
		{[]string{"XLEN", "t"}, ":2\r\n", ""},
		{[]string{"XADD", "t", "MINID", "~", "9", "8-0", "a", "8"}, "$3\r\n8-0\r\n", ""},
		{[]string{"XLEN", "t"}, ":0\r\n", ""},
		{[]string{"XADD", "t", "MAXLEN", "0", "9-0", "a", "9"}, "$3\r\n9-0\r\n", ""},
		{[]string{"XLEN", "t"}, ":0\r\n", ""},
		{[]string{"XADD", "t", "MAXLEN", "~", "1", "LIMIT", "1", "10-0", "a", "10"}, "$4\r\n10-0\r\n", ""},
		{[]string{"XADD", "t", "MINID", "=", "11", "11-0", "a", "11"}, "$4\r\n11-0\r\n", ""},
		{[]string{"XRANGE", "t", "-", "+"}, "*1\r\n*2\r\n$4\r\n11-0\r\n*2\r\n$1\r\na\r\n$2\r\n11\r\n", ""},
		{[]string{"XINFO", "STREAM", "t"}, "*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n11-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:11\r\n$23\r\nrecorded-first-entry-id\r\n$4\r\n11-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$4\r\n11-0\r\n*2\r\n$1\r\na\r\n$2\r\n11\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n11-0\r\n*2\r\n$1\r\na\r\n$2\r\n11\r\n", "%10\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n11-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:11\r\n$23\r\nrecorded-first-entry-id\r\n$4\r\n11-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$4\r\n11-0\r\n*2\r\n$1\r\na\r\n$2\r\n11\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n11-0\r\n*2\r\n$1\r\na\r\n$2\r\n11\r\n"},
	}},
	{name: "fields", cmds: []xcase{
		{[]string{"XADD", "s", "1-1", "a", "1", "b", "2", "a", "3"}, "$3\r\n1-1\r\n", ""},
		{[]string{"XADD", "s", "1-2", "b", "2"}, "$3\r\n1-2\r\n", ""},
		{[]string{"XADD", "s", "1-3", "", ""}, "$3\r\n1-3\r\n", ""},
		{[]string{"XRANGE", "s", "-", "+"}, "*3\r\n*2\r\n$3\r\n1-1\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n1-3\r\n*2\r\n$0\r\n\r\n$0\r\n\r\n", ""},
	}},
}

func TestXAddExec(t *testing.T) { runScripts(t, xaddScripts) }

// TestXAddAutoID checks "*" IDs: the command's millisecond, then the next
// sequence within it, never going back when the clock is behind the
// stream.
func TestXAddAutoID(t *testing.T) {
	f := newFake(t, Options{})
	before := nowMs()
	got := f.do("XADD", "s", "*", "f", "v")
	id, ok := stream.ParseID([]byte(got[strings.Index(got, "\n")+1:len(got)-2]), 0)
	if !ok || id.Seq != 0 || int64(id.Ms) < before || int64(id.Ms) > nowMs() {
		t.Fatalf("XADD * = %q (now %d)", got, before)
	}
	future := strconv.FormatUint(id.Ms+1000000, 10)
	f.do("XADD", "s", future+"-5", "f", "v")
	if got := f.do("XADD", "s", "*", "f", "v"); got != "$"+strconv.Itoa(len(future)+2)+"\r\n"+future+"-6\r\n" {
		t.Fatalf("XADD * behind the stream = %q", got)
	}
}

// TestXAddPersist checks the ops XADD records: the new key, the entry, the
// trimmed prefix and the metadata.
func TestXAddPersist(t *testing.T) {
	rec := newRecordingStore()
	f := newFake(t, Options{Store: rec})
	f.do("XADD", "s", "1-1", "a", "1")
	f.do("XADD", "s", "2-1", "b", "2")
	ops := f.committed(rec)
	uid := f.object("s").UID
	want := []persist.Op{
		{Kind: persist.KeyPut, DB: 0, Key: "s", UID: uid},
		{Kind: persist.EntryPut, UID: uid, ID: stream.ID{Ms: 1, Seq: 1}, Fields: [][]byte{[]byte("a"), []byte("1")}},
		{Kind: persist.StreamMetaPut, UID: uid, Meta: persist.StreamMeta{LastID: stream.ID{Ms: 1, Seq: 1}, FirstID: stream.ID{Ms: 1, Seq: 1}, EntriesAdded: 1}},
		{Kind: persist.EntryPut, UID: uid, ID: stream.ID{Ms: 2, Seq: 1}, Fields: [][]byte{[]byte("b"), []byte("2")}},
		{Kind: persist.StreamMetaPut, UID: uid, Meta: persist.StreamMeta{LastID: stream.ID{Ms: 2, Seq: 1}, FirstID: stream.ID{Ms: 1, Seq: 1}, EntriesAdded: 2}},
	}
	if !reflect.DeepEqual(ops, want) {
		t.Fatalf("ops:\n got %+v\nwant %+v", ops, want)
	}

	f.do("XADD", "s", "MAXLEN", "1", "3-1", "c", "3")
	ops = f.committed(rec)
	want = []persist.Op{
		{Kind: persist.EntryPut, UID: uid, ID: stream.ID{Ms: 3, Seq: 1}, Fields: [][]byte{[]byte("c"), []byte("3")}},
		{Kind: persist.EntryDelRange, UID: uid, ID: stream.Min, End: stream.ID{Ms: 3, Seq: 1}},
		{Kind: persist.StreamMetaPut, UID: uid, Meta: persist.StreamMeta{LastID: stream.ID{Ms: 3, Seq: 1}, FirstID: stream.ID{Ms: 3, Seq: 1}, EntriesAdded: 3}},
	}
	if !reflect.DeepEqual(ops, want) {
		t.Fatalf("trim ops:\n got %+v\nwant %+v", ops, want)
	}

	// Trimmed to nothing: the range ends right after the last ID, and the
	// largest ID, which no exclusive range reaches, goes on its own.
	f.do("XADD", "s", "MAXLEN", "0", "18446744073709551615-18446744073709551615", "d", "4")
	ops = f.committed(rec)
	if len(ops) != 4 || !reflect.DeepEqual(ops[1], persist.Op{Kind: persist.EntryDel, UID: uid, ID: stream.Max}) ||
		!reflect.DeepEqual(ops[2], persist.Op{Kind: persist.EntryDelRange, UID: uid, ID: stream.Min, End: stream.Max}) {
		t.Fatalf("trim-all ops: %+v", ops)
	}

	// A refused XADD records nothing; NOMKSTREAM on a missing key neither.
	f.do("XADD", "s", "1-1", "a", "1")
	f.do("XADD", "t", "NOMKSTREAM", "*", "a", "1")
	if ops := f.committed(rec); len(ops) != 0 {
		t.Fatalf("refused XADDs recorded %+v", ops)
	}
}

// TestXAddSignals checks XADD's side effects: a WATCHed key is dirtied and
// the change counter moves by one, trimming or not.
func TestXAddSignals(t *testing.T) {
	f := newFake(t, Options{})
	f.do("XADD", "s", "1-1", "a", "1")
	f.do("WATCH", "s")
	dirty := f.s.dirty
	f.do("XADD", "s", "MAXLEN", "0", "2-1", "a", "1")
	if !f.c.dirtyCAS {
		t.Error("XADD did not dirty a WATCHed key")
	}
	if f.s.dirty != dirty+1 {
		t.Errorf("dirty moved by %d, want 1", f.s.dirty-dirty)
	}
}

func BenchmarkXAdd(b *testing.B) {
	f := newFake(b, Options{})
	cmd := args("XADD s * field value-of-some-sixteen")
	b.ReportAllocs()
	for b.Loop() {
		f.c.w.Reset()
		f.s.execute(f.c, cmd)
	}
	if l := f.object("s").Stream.Len(); l != uint64(b.N) && b.N > 0 {
		b.Fatalf("stream has %d entries after %d XADDs", l, b.N)
	}
}

func BenchmarkXAddMaxLen(b *testing.B) {
	f := newFake(b, Options{})
	cmd := args("XADD s MAXLEN ~ 1000 * field value-of-some-sixteen")
	b.ReportAllocs()
	for b.Loop() {
		f.c.w.Reset()
		f.s.execute(f.c, cmd)
	}
}

// TestParseXAddStarShortcut checks that the shortcut parseXAdd takes for
// "XADD key * ..." yields what the general option parser does.
func TestParseXAddStarShortcut(t *testing.T) {
	for _, line := range []string{
		"XADD s * f v",
		"XADD s * f v g w",
		"XADD s * f",
		"XADD s * f v g",
		"XADD s * maxlen 10",
	} {
		cmd := args(line)
		got, gotErr := parseXAdd(cmd)
		at, err := parseAddOrTrim(cmd, true)
		want, wantErr := xaddArgs{}, err
		if err == nil {
			want, wantErr = parseXAddFrom(cmd, at)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%s: parseXAdd = %+v, %v; the option parser gives %+v, %v", line, got, gotErr, want, wantErr)
		}
	}
}
