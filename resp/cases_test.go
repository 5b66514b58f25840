package resp

import "strings"

// guardCase is one client byte stream and what Redis makes of it: the
// commands it runs and how the stream ends. The same table drives the unit
// tests (guard against want and against the reference model, under many
// read splits) and the differential test against a real redis-server.
type guardCase struct {
	name string
	in   string
	auth bool // the server has requirepass "pw"
	want outcome
	// notLive marks cases where Redis's answer depends on how its reads
	// happen to split the stream; they are left out of the live test.
	notLive bool
}

func cmds(c ...string) []string { return c }

const (
	endEOF   = "eof"
	endClose = "close"
	endQuit  = "quit"
)

func errEnd(msg string) string { return "ERR " + msg }

var rep = strings.Repeat

var guardCases = []guardCase{
	// Well-formed multibulk.
	{name: "ping", in: "*1\r\n$4\r\nPING\r\n", want: outcome{cmds("PING"), endEOF}},
	{name: "pipeline", in: "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*1\r\n$4\r\nPING\r\n",
		want: outcome{cmds("PING", "ECHO|hi", "PING"), endEOF}},
	{name: "empty-arg", in: "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", want: outcome{cmds("ECHO|"), endEOF}},
	{name: "empty-name", in: "*1\r\n$0\r\n\r\n", want: outcome{cmds(""), endEOF}},
	{name: "binary-arg", in: "*2\r\n$4\r\nECHO\r\n$3\r\na\x00\n\r\n", want: outcome{cmds("ECHO|a\x00\n"), endEOF}},
	{name: "incomplete-args", in: "*3\r\n$4\r\nECHO\r\n$1\r\na\r\n$1\r\nb", want: outcome{cmds(), endEOF}},
	{name: "incomplete-trailer", in: "*1\r\n$4\r\nPING\r", want: outcome{cmds(), endEOF}},
	{name: "ping-then-partial", in: "*1\r\n$4\r\nPING\r\n*1\r\n$3\r\nfoo", want: outcome{cmds("PING"), endEOF}},

	// What Redis skips without looking.
	{name: "trailer-not-crlf", in: "*1\r\n$4\r\nPINGxx", want: outcome{cmds("PING"), endEOF}},
	{name: "header-cr-any", in: "*1\rX$4\rYPINGzz*1\r\r$4\r\x00PING\r\n", want: outcome{cmds("PING", "PING"), endEOF}},

	// Empty commands are ignored.
	{name: "count-zero", in: "*0\r\n*1\r\n$4\r\nPING\r\n", want: outcome{cmds("PING"), endEOF}},
	{name: "count-negative", in: "*-1\r\n*-100\r\n*1\r\n$4\r\nPING\r\n*0\r\n", want: outcome{cmds("PING"), endEOF}},

	// Multibulk count.
	{name: "count-leading-zero", in: "*01\r\n$4\r\nPING\r\n", want: outcome{nil, errEnd(msgInvalidMultibulk)}},
	{name: "count-plus", in: "*+1\r\n", want: outcome{nil, errEnd(msgInvalidMultibulk)}},
	{name: "count-minus-zero", in: "*-0\r\n", want: outcome{nil, errEnd(msgInvalidMultibulk)}},
	{name: "count-space", in: "* 1\r\n", want: outcome{nil, errEnd(msgInvalidMultibulk)}},
	{name: "count-trailing-space", in: "*1 \r\n", want: outcome{nil, errEnd(msgInvalidMultibulk)}},
	{name: "count-empty", in: "*\r\n", want: outcome{nil, errEnd(msgInvalidMultibulk)}},
	{name: "count-lf-only", in: "*1\n$4\r\nPING\r\n", want: outcome{nil, errEnd(msgInvalidMultibulk)}},
	{name: "count-int-max", in: "*2147483647\r\n", want: outcome{nil, endEOF}},
	{name: "count-over-int-max", in: "*2147483648\r\n", want: outcome{nil, errEnd(msgInvalidMultibulk)}},
	{name: "count-over-int64", in: "*9223372036854775808\r\n", want: outcome{nil, errEnd(msgInvalidMultibulk)}},
	{name: "count-1m-plus-1", in: "*1048577\r\n", want: outcome{nil, endEOF}},
	{name: "count-cr-pending", in: "*1\r", want: outcome{nil, endEOF}},
	{name: "count-then-error", in: "*1\r\n$4\r\nPING\r\n*x\r\n", want: outcome{cmds("PING"), errEnd(msgInvalidMultibulk)}},

	// Bulk headers.
	{name: "dollar-waits-for-cr", in: "*1\r\nx", want: outcome{nil, endEOF}},
	{name: "expected-dollar", in: "*1\r\nx\r\n", want: outcome{nil, errEnd("Protocol error: expected '$', got 'x'")}},
	{name: "expected-dollar-cr", in: "*1\r\n\r\r\n", want: outcome{nil, errEnd("Protocol error: expected '$', got ' '")}},
	{name: "expected-dollar-lf", in: "*1\r\n\n\r\n", want: outcome{nil, errEnd("Protocol error: expected '$', got ' '")}},
	{name: "expected-dollar-high", in: "*1\r\n\xff\r\n", want: outcome{nil, errEnd("Protocol error: expected '$', got '\xff'")}},
	{name: "expected-dollar-second", in: "*2\r\n$4\r\nECHO\r\n:1\r\n", want: outcome{nil, errEnd("Protocol error: expected '$', got ':'")}},
	{name: "bulk-negative", in: "*1\r\n$-1\r\n", want: outcome{nil, errEnd(msgInvalidBulk)}},
	{name: "bulk-leading-zero", in: "*1\r\n$04\r\nPING\r\n", want: outcome{nil, errEnd(msgInvalidBulk)}},
	{name: "bulk-empty", in: "*1\r\n$\r\n", want: outcome{nil, errEnd(msgInvalidBulk)}},
	{name: "bulk-letters", in: "*1\r\n$4a\r\n", want: outcome{nil, errEnd(msgInvalidBulk)}},
	{name: "bulk-over-max", in: "*1\r\n$536870913\r\n", want: outcome{nil, errEnd(msgInvalidBulk)}},
	{name: "bulk-at-max", in: "*1\r\n$536870912\r\n", want: outcome{nil, endEOF}},
	{name: "bulk-huge-declared", in: "*2\r\n$3\r\nSET\r\n$400000000\r\nabc", want: outcome{nil, endEOF}},
	{name: "ping-then-bad-bulk", in: "*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n", want: outcome{cmds("PING"), errEnd(msgInvalidBulk)}},
	{name: "bulk-cr-lf-inside", in: "*1\r\n$4\n\r\n", want: outcome{nil, errEnd(msgInvalidBulk)}},

	// Line length limits (PROTO_INLINE_MAX_SIZE = 65536).
	{name: "count-64k", in: "*" + rep("1", 65535), want: outcome{nil, endEOF}},
	{name: "count-64k-plus-1", in: "*" + rep("1", 65536), want: outcome{nil, errEnd(msgTooBigCount)}},
	{name: "count-64k-then-cr", in: "*" + rep("1", 65535) + "\r\n", want: outcome{nil, errEnd(msgInvalidMultibulk)}},
	{name: "bulk-hdr-64k", in: "*1\r\n$" + rep("1", 65535), want: outcome{nil, endEOF}},
	{name: "bulk-hdr-64k-plus-1", in: "*1\r\n$" + rep("1", 65536), want: outcome{nil, errEnd(msgTooBigBulk)}},
	{name: "bulk-hdr-junk-too-big", in: "*1\r\n" + rep("x", 65537), want: outcome{nil, errEnd(msgTooBigBulk)}},
	{name: "bulk-hdr-junk-then-cr", in: "*1\r\n" + rep("x", 65535) + "\r\n", want: outcome{nil, errEnd("Protocol error: expected '$', got 'x'")}},
	{name: "inline-64k", in: rep("a", 65536) + "\n", want: outcome{cmds(rep("a", 65536)), endEOF}},
	{name: "inline-64k-plus-1", in: rep("a", 65537), want: outcome{nil, errEnd(msgTooBigInline)}},
	{name: "ping-then-inline-too-big", in: "PING\r\n" + rep("a", 65537), want: outcome{cmds("PING"), errEnd(msgTooBigInline)}},
	// Redis accepts this one when the newline comes in the same read as the
	// byte that crosses 64 KB; the guard refuses it whatever the split.
	{name: "inline-64k-plus-1-then-lf", in: rep("a", 65537) + "\n", want: outcome{nil, errEnd(msgTooBigInline)}, notLive: true},

	// A NUL hides the terminator from Redis's strchr.
	{name: "nul-in-count", in: "*1\x00\r\n$4\r\nPING\r\n", want: outcome{nil, endEOF}},
	{name: "nul-in-count-64k", in: "*1\x00" + rep("a", 65534), want: outcome{nil, errEnd(msgTooBigCount)}},
	{name: "nul-in-count-under", in: "*1\x00" + rep("a", 65533), want: outcome{nil, endEOF}},
	{name: "nul-in-bulk-hdr", in: "*1\r\n$3\x00\r\nfoo\r\n", want: outcome{nil, endEOF}},
	{name: "nul-starts-bulk-hdr", in: "*1\r\n\x00" + rep("b", 65536), want: outcome{nil, errEnd(msgTooBigBulk)}},
	{name: "nul-in-inline", in: "ECHO a\x00b\nPING\n", want: outcome{nil, endEOF}},
	{name: "nul-in-inline-64k", in: "PING\x00\n" + rep("c", 65531), want: outcome{nil, errEnd(msgTooBigInline)}},

	// Inline requests, split as sdssplitargs splits them.
	{name: "inline-lf", in: "PING\n", want: outcome{cmds("PING"), endEOF}},
	{name: "inline-crlf", in: "PING\r\n", want: outcome{cmds("PING"), endEOF}},
	{name: "inline-blank-lines", in: "\r\n\n\n   \t \r\nPING\n", want: outcome{cmds("PING"), endEOF}},
	{name: "inline-quotes", in: "ECHO \"a b\"\n", want: outcome{cmds("ECHO|a b"), endEOF}},
	{name: "inline-quote-mid-token", in: "ECHO a\"b c\"\n", want: outcome{cmds("ECHO|ab c"), endEOF}},
	{name: "inline-closing-quote-glued", in: "ECHO \"a\"b\n", want: outcome{nil, errEnd(msgUnbalanced)}},
	{name: "inline-single-quote-escape", in: "ECHO 'a\\'b'\n", want: outcome{cmds("ECHO|a'b"), endEOF}},
	{name: "inline-single-quote-backslash-n", in: "ECHO 'a\\nb'\n", want: outcome{cmds("ECHO|a\\nb"), endEOF}},
	{name: "inline-hex", in: "ECHO \"\\x41\\n\"\n", want: outcome{cmds("ECHO|A\n"), endEOF}},
	{name: "inline-hex-short", in: "ECHO \"\\x4\"\n", want: outcome{cmds("ECHO|x4"), endEOF}},
	{name: "inline-hex-bad", in: "ECHO \"\\x4G\"\n", want: outcome{cmds("ECHO|x4G"), endEOF}},
	{name: "inline-escape-other", in: "ECHO \"\\q\\b\\a\"\n", want: outcome{cmds("ECHO|q\b\a"), endEOF}},
	{name: "inline-tab", in: "ECHO \t a\n", want: outcome{cmds("ECHO|a"), endEOF}},
	{name: "inline-empty-quotes", in: "ECHO \"\"\n", want: outcome{cmds("ECHO|"), endEOF}},
	{name: "inline-only-quotes", in: "\"\"\n", want: outcome{cmds(""), endEOF}},
	{name: "inline-unterminated", in: "ECHO \"abc\n", want: outcome{nil, errEnd(msgUnbalanced)}},
	{name: "inline-backslash-at-end", in: "ECHO \"a\\\n", want: outcome{nil, errEnd(msgUnbalanced)}},
	{name: "inline-single-glued", in: "ECHO 'it''s'\n", want: outcome{nil, errEnd(msgUnbalanced)}},
	{name: "inline-vt-kept", in: "ECHO\va\n", want: outcome{cmds("ECHO\va"), endEOF}},
	{name: "inline-vt-after-quote", in: "ECHO \"a\"\vb\n", want: outcome{cmds("ECHO|a|b"), endEOF}},
	{name: "inline-leading-vt", in: "ECHO \va\n", want: outcome{cmds("ECHO|a"), endEOF}},
	{name: "inline-ff-after-single", in: "ECHO 'a'\f\n", want: outcome{cmds("ECHO|a"), endEOF}},
	{name: "inline-cr-splits", in: "ECHO a\rb\n", want: outcome{cmds("ECHO|a|b"), endEOF}},
	{name: "inline-double-cr", in: "ECHO a\r\r\n", want: outcome{cmds("ECHO|a"), endEOF}},
	{name: "inline-many-args", in: "ECHO " + rep("x ", 30) + "\n", want: outcome{cmds("ECHO" + rep("|x", 30)), endEOF}},
	{name: "inline-then-error", in: "PING\n*1\r\n$x\r\n", want: outcome{cmds("PING"), errEnd(msgInvalidBulk)}},
	{name: "mixed", in: "PING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nz\r\nECHO y\n", want: outcome{cmds("PING", "ECHO|z", "ECHO|y"), endEOF}},

	// POST and Host: close the connection without a reply.
	{name: "post-inline", in: "POST / HTTP/1.1\r\n", want: outcome{nil, endClose}},
	{name: "post-mixed-case", in: "PoSt\r\n", want: outcome{nil, endClose}},
	{name: "host-inline", in: "HOST:\r\n", want: outcome{nil, endClose}},
	{name: "host-prefix-only", in: "host:x\r\n", want: outcome{cmds("host:x"), endEOF}},
	{name: "http-get", in: "GET / HTTP/1.1\r\nHost: example\r\n\r\n", want: outcome{cmds("GET|/|HTTP/1.1"), endClose}},
	{name: "post-multibulk", in: "*1\r\n$4\r\nPOST\r\n", want: outcome{nil, endClose}},
	{name: "post-nul", in: "*1\r\n$8\r\nPOST\x00abc\r\n", want: outcome{nil, endClose}},
	{name: "post-inline-hex-nul", in: "\"post\\x00\"\r\n", want: outcome{nil, endClose}},
	{name: "post-longer", in: "*1\r\n$5\r\nPOSTX\r\n", want: outcome{cmds("POSTX"), endEOF}},
	{name: "post-incomplete", in: "*2\r\n$4\r\nPOST\r\n$1\r\n", want: outcome{nil, endEOF}},
	{name: "post-after-ping", in: "PING\r\n*1\r\n$4\r\npost\r\nPING\r\n", want: outcome{cmds("PING"), endClose}},
	{name: "post-in-multi", in: "MULTI\r\nPOST\r\n", want: outcome{cmds("MULTI"), endClose}},
	{name: "host-multibulk", in: "*1\r\n$5\r\nhost:\r\n", want: outcome{nil, endClose}},

	// Nothing runs after QUIT, not even a protocol error.
	{name: "quit-stops", in: "PING\r\nQUIT\r\nPING\r\n", want: outcome{cmds("PING", "QUIT"), endQuit}},
	{name: "quit-multibulk", in: "*1\r\n$4\r\nquit\r\n*1\r\n$4\r\nPING\r\n", want: outcome{cmds("quit"), endQuit}},
	{name: "quit-then-error", in: "QUIT\r\n*1\r\n$x\r\n", want: outcome{cmds("QUIT"), endQuit}},
	{name: "quit-then-post", in: "*1\r\n$4\r\nQUIT\r\nPOST\r\n", want: outcome{cmds("QUIT"), endQuit}},

	// Before AUTH (requirepass set).
	{name: "unauth-count", auth: true, in: "*11\r\n", want: outcome{nil, errEnd(msgUnauthMultibulk)}},
	{name: "unauth-count-ok", auth: true, in: "*10\r\n", want: outcome{nil, endEOF}},
	{name: "unauth-count-cr", auth: true, in: "*11\r", want: outcome{nil, endEOF}},
	{name: "unauth-count-cr-any", auth: true, in: "*11\rx", want: outcome{nil, errEnd(msgUnauthMultibulk)}},
	{name: "unauth-bulk", auth: true, in: "*1\r\n$16385\r\n", want: outcome{nil, errEnd(msgUnauthBulk)}},
	{name: "unauth-bulk-ok", auth: true, in: "*1\r\n$16384\r\n", want: outcome{nil, endEOF}},
	{name: "unauth-invalid-first", auth: true, in: "*2147483648\r\n", want: outcome{nil, errEnd(msgInvalidMultibulk)}},
	{name: "unauth-after-empty", auth: true, in: "*0\r\n*11\r\n", want: outcome{nil, errEnd(msgUnauthMultibulk)}},
	{name: "unauth-bad-bulk", auth: true, in: "*2\r\n$1a\rx", want: outcome{nil, errEnd(msgInvalidBulk)}},
	{name: "auth-then-big-count", auth: true, in: "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*11\r\n",
		want: outcome{cmds("AUTH|pw"), endEOF}},
	{name: "auth-then-big-bulk", auth: true, in: "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*2\r\n$4\r\nECHO\r\n$20000\r\n" + rep("y", 20000) + "\r\n",
		want: outcome{cmds("AUTH|pw", "ECHO|"+rep("y", 20000)), endEOF}},
	{name: "inline-auth-then-big-count", auth: true, in: "AUTH pw\r\n*12\r\n",
		want: outcome{cmds("AUTH|pw"), endEOF}},
	{name: "bad-auth-then-big-bulk", auth: true, in: "*2\r\n$4\r\nAUTH\r\n$3\r\nbad\r\n*2\r\n$4\r\nECHO\r\n$20000\r\n" + rep("y", 20000) + "\r\n",
		want: outcome{cmds("AUTH|bad"), errEnd(msgUnauthBulk)}},
	{name: "unauth-inline-many-args", auth: true, in: "ECHO" + rep(" a", 20) + "\r\n", want: outcome{cmds("ECHO" + rep("|a", 20)), endEOF}},
	{name: "unauth-post", auth: true, in: "POST\r\n", want: outcome{nil, endClose}},
	{name: "unauth-ping", auth: true, in: "*1\r\n$4\r\nPING\r\n", want: outcome{cmds("PING"), endEOF}},
}
