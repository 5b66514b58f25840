// Package resp is runnel's RESP wire layer on top of github.com/tidwall/redcon.
//
// # Connection loop
//
// [Server] runs the connections, as redcon.Server would, behind the guard:
// one goroutine per connection, the handler called for every command with
// redcon's Conn and Command types, and the replies of each batch sent in
// one write. Unlike redcon's reader it allocates nothing per command (the
// arguments alias its read buffer, valid until the handler returns), and
// it stops running a batch once the handler closes the connection, as
// Redis does after QUIT. Write through [Flush] and [DiscardOutput] rather
// than redcon.BaseWriter, which knows only redcon's own connections.
//
// # Protocol guard
//
// redcon parses commands itself but neither enforces Redis's limits nor
// agrees with Redis on every malformed or unusual input (inline quoting,
// empty multibulk counts, terminators after a bulk). A [Guard] sits between
// the socket and redcon: [NewListener] wraps a net.Listener so that every
// accepted connection is a *Guard, and redcon reads through it.
//
// The guard validates the client's byte stream with a streaming state
// machine that follows Redis 7's processMultibulkBuffer and
// processInlineBuffer (networking.c), and hands redcon a canonical stream:
//
//   - Multibulk commands pass through in place. The only bytes rewritten are
//     the ones Redis ignores: the byte after '\r' in a header line (Redis
//     does not check it is '\n') and the two bytes after a bulk payload
//     (Redis does not check they are "\r\n"). Both are set to CRLF so that
//     redcon, which does check, sees what Redis accepted.
//   - Inline commands are split as Redis's sdssplitargs splits them and
//     handed to redcon as multibulk commands, so redcon's own inline parser
//     never runs.
//   - Empty commands (a '*' count <= 0, a blank inline line) are dropped, as
//     Redis ignores them; redcon would call them an error.
//   - Payload bytes are never copied by the guard and never held back: a
//     declared length such as $400000000 costs the guard a counter, nothing
//     more. (redcon's reader then grows its buffer by doubling as the bytes
//     arrive, and copies the finished command once more into Command.Raw.)
//   - An incomplete command is handed over only up to a point inside a
//     bulk payload, never just after its '*' line or at an argument
//     boundary: redcon's reader walks the whole declared count of an
//     incomplete command on every read unless it stops inside a payload.
//
// Every Read returns one batch: the commands read from the socket in one
// go, as far as they fit. A batch ends after any command that may change
// what the guard checks against (CONFIG, AUTH, HELLO, RESET, ACL, EXEC) and
// after QUIT, so that the next command is judged, as in Redis, after those
// ran; the limits are read from the caller's function for every batch.
//
// When the guard meets what Redis treats as a protocol error, it forwards
// only the complete commands before it. redcon executes those and flushes
// their replies before it reads again (its handle loop flushes after every
// batch), so on that next Read the guard writes Redis's exact error reply
// ("-ERR Protocol error: ...") to the socket and returns io.EOF, and redcon
// closes the connection as Redis does. A command named POST or Host: closes
// the connection silently and discards the replies of the commands read in
// the same batch, as Redis's securityWarningCommand path does.
//
// # Held replies
//
// A handler whose replies may leave only later (under appendfsync always,
// once their commit is synced) hands them to the connection with [Hold]
// and a token instead of blocking. The connection sends them once its
// [Holder] reports the token ready and meanwhile goes on reading and
// running what the client sends, so commands that arrive while a sync runs
// are in memory, and in the next sync, when it returns. Its read is cut
// short, when the holder's wake-up comes, by a read deadline in the past.
// Replies leave in order: those of a later batch never before those of an
// earlier one. A protocol error found meanwhile is written after the held
// replies, a client that closes its side still gets them, and a holder's
// error drops them and closes the connection.
//
// # Blocked clients
//
// [WatchClose] reports a peer that closes or resets its connection while a
// command blocks, without consuming any byte of the stream.
//
// # Concurrency
//
// A Guard's Read must be called by one goroutine at a time (redcon's
// connection goroutine). Write, SetAuthenticated and ProtocolError are safe
// to call from any goroutine.
package resp
