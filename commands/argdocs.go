package commands

import "sync"

// Argument documentation for COMMAND DOCS, which redis-cli turns into its
// inline hints ("EXPIRE key seconds [NX|XX|GT|LT]"). It is attached to the
// table rows the first time COMMAND DOCS runs, after every family's init
// has registered its rows; rows that already carry Args keep them.

func keyArg(i int) ArgDoc       { return ArgDoc{Name: "key", Type: "key", KeySpecIndex: i} }
func strArg(name string) ArgDoc { return ArgDoc{Name: name, Type: "string"} }
func intArg(name string) ArgDoc { return ArgDoc{Name: name, Type: "integer"} }
func optional(a ArgDoc) ArgDoc  { a.Optional = true; return a }
func multiple(a ArgDoc) ArgDoc  { a.Multiple = true; return a }
func token(a ArgDoc, tok string) ArgDoc {
	a.Token = tok
	return a
}

func pureTokens(name string, toks ...string) ArgDoc {
	a := ArgDoc{Name: name, Type: "oneof", Optional: true}
	for _, t := range toks {
		a.Sub = append(a.Sub, ArgDoc{Name: lower(t), Type: "pure-token", Token: t})
	}
	return a
}

func block(name string, subs ...ArgDoc) ArgDoc { return ArgDoc{Name: name, Type: "block", Sub: subs} }
func oneof(name string, subs ...ArgDoc) ArgDoc { return ArgDoc{Name: name, Type: "oneof", Sub: subs} }
func pureToken(name, tok string) ArgDoc        { return ArgDoc{Name: name, Type: "pure-token", Token: tok} }
func since(a ArgDoc, version string) ArgDoc {
	a.Since = version
	return a
}

// trimArgDoc documents the trimming block XADD and XTRIM share:
// MAXLEN|MINID [=|~] threshold [LIMIT count].
func trimArgDoc() ArgDoc {
	return block("trim",
		oneof("strategy", pureToken("maxlen", "MAXLEN"), since(pureToken("minid", "MINID"), "6.2.0")),
		optional(oneof("operator", pureToken("equal", "="), pureToken("approximately", "~"))),
		strArg("threshold"),
		since(optional(token(intArg("count"), "LIMIT")), "6.2.0"))
}

// streamsArgDoc documents XREAD's and XREADGROUP's STREAMS key [key ...]
// id [id ...].
func streamsArgDoc() ArgDoc {
	return token(block("streams", multiple(keyArg(0)), multiple(strArg("id"))), "STREAMS")
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

var argDocsOnce sync.Once

func attachArgDocs() {
	condition := pureTokens("condition", "NX", "XX", "GT", "LT")
	flush := pureTokens("flush-type", "ASYNC", "SYNC")
	docs := map[string][]ArgDoc{
		"del":         {multiple(keyArg(0))},
		"unlink":      {multiple(keyArg(0))},
		"exists":      {multiple(keyArg(0))},
		"touch":       {multiple(keyArg(0))},
		"type":        {keyArg(0)},
		"ttl":         {keyArg(0)},
		"pttl":        {keyArg(0)},
		"expiretime":  {keyArg(0)},
		"pexpiretime": {keyArg(0)},
		"persist":     {keyArg(0)},
		"keys":        {ArgDoc{Name: "pattern", Type: "pattern"}},
		"scan": {intArg("cursor"), optional(token(ArgDoc{Name: "pattern", Type: "pattern"}, "MATCH")),
			optional(token(intArg("count"), "COUNT")), optional(token(strArg("type"), "TYPE"))},
		"rename":   {keyArg(0), {Name: "newkey", Type: "key", KeySpecIndex: 1}},
		"renamenx": {keyArg(0), {Name: "newkey", Type: "key", KeySpecIndex: 1}},
		"move":     {keyArg(0), intArg("db")},
		"copy": {{Name: "source", Type: "key"}, {Name: "destination", Type: "key", KeySpecIndex: 1},
			optional(token(intArg("destination-db"), "DB")), optional(pureToken("replace", "REPLACE"))},
		"dump": {keyArg(0)},
		// The empty string's token is two quote characters in Redis 7.2+'s
		// command table (7.0 sent it empty).
		"migrate": {strArg("host"), intArg("port"),
			oneof("key_or_empty_string", keyArg(0), pureToken("empty_string", `""`)),
			intArg("destination-db"), intArg("timeout"),
			optional(since(pureToken("copy", "COPY"), "3.0.0")), optional(since(pureToken("replace", "REPLACE"), "3.0.0")),
			optional(oneof("authentication", optional(since(token(strArg("password"), "AUTH"), "4.0.7")),
				optional(since(token(block("username_password", strArg("username"), strArg("password")), "AUTH2"), "6.0.0")))),
			optional(multiple(since(token(ArgDoc{Name: "key", Type: "key", KeySpecIndex: 1}, "KEYS"), "3.0.6")))},
		"restore": {keyArg(0), intArg("ttl"), strArg("serialized-value"),
			optional(since(pureToken("replace", "REPLACE"), "3.0.0")), optional(since(pureToken("absttl", "ABSTTL"), "5.0.0")),
			optional(since(token(intArg("seconds"), "IDLETIME"), "5.0.0")), optional(since(token(intArg("frequency"), "FREQ"), "5.0.0"))},
		"swapdb":    {intArg("index1"), intArg("index2")},
		"flushdb":   {flush},
		"flushall":  {flush},
		"expire":    {keyArg(0), intArg("seconds"), condition},
		"pexpire":   {keyArg(0), intArg("milliseconds"), condition},
		"expireat":  {keyArg(0), {Name: "unix-time-seconds", Type: "unix-time"}, condition},
		"pexpireat": {keyArg(0), {Name: "unix-time-milliseconds", Type: "unix-time"}, condition},
		"select":    {intArg("index")},
		"ping":      {optional(strArg("message"))},
		"echo":      {strArg("message")},
		"auth":      {optional(strArg("username")), strArg("password")},
		"hello": {optional(block("arguments", intArg("protover"),
			optional(token(block("username-password", strArg("username"), strArg("password")), "AUTH")),
			optional(token(strArg("clientname"), "SETNAME"))))},
		"info":            {optional(multiple(strArg("section")))},
		"shutdown":        {pureTokens("save-selector", "NOSAVE", "SAVE"), optional(token(ArgDoc{Name: "now", Type: "pure-token"}, "NOW")), optional(token(ArgDoc{Name: "force", Type: "pure-token"}, "FORCE")), optional(token(ArgDoc{Name: "abort", Type: "pure-token"}, "ABORT"))},
		"watch":           {multiple(keyArg(0))},
		"client|setname":  {strArg("connection-name")},
		"client|setinfo":  {{Name: "attr", Type: "oneof", Sub: []ArgDoc{token(strArg("libname"), "LIB-NAME"), token(strArg("libver"), "LIB-VER")}}},
		"client|unblock":  {intArg("client-id"), pureTokens("unblock-type", "TIMEOUT", "ERROR")},
		"client|reply":    {{Name: "action", Type: "oneof", Sub: []ArgDoc{{Name: "on", Type: "pure-token", Token: "ON"}, {Name: "off", Type: "pure-token", Token: "OFF"}, {Name: "skip", Type: "pure-token", Token: "SKIP"}}}},
		"client|no-evict": {{Name: "enabled", Type: "oneof", Sub: []ArgDoc{{Name: "on", Type: "pure-token", Token: "ON"}, {Name: "off", Type: "pure-token", Token: "OFF"}}}},
		"client|no-touch": {{Name: "enabled", Type: "oneof", Sub: []ArgDoc{{Name: "on", Type: "pure-token", Token: "ON"}, {Name: "off", Type: "pure-token", Token: "OFF"}}}},
		"config|get":      {multiple(strArg("parameter"))},
		"config|set":      {ArgDoc{Name: "data", Type: "block", Multiple: true, Sub: []ArgDoc{strArg("parameter"), strArg("value")}}},
		"command|info":    {optional(multiple(strArg("command-name")))},
		"command|docs":    {optional(multiple(strArg("command-name")))},
		"command|getkeys": {strArg("command"), optional(multiple(strArg("arg")))},
	}
	for name, args := range docs {
		if cmd := lookupFull(name); cmd != nil && cmd.Args == nil {
			cmd.Args = args
		}
	}
}
