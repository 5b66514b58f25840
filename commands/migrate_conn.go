package commands

import (
	"bufio"
	"errors"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/runnel-db/runnel/resp"
)

// MIGRATE's side of the wire: a small cache of connections to targets and
// the transfer itself, which runs without the keyspace lock.

// MIGRATE's I/O error texts, as Redis 7.0 words them. Redis 7.0's blocking
// connect never fails once a socket exists (a refused or timed out connect
// shows when the command is written), so "connecting" is only for an
// address that does not resolve.
const (
	errMigrateConnect Error = "IOERR error or timeout connecting to the client"
	errMigrateWrite   Error = "IOERR error or timeout writing to target instance"
	errMigrateRead    Error = "IOERR error or timeout reading to target instance"
)

// Like Redis's MIGRATE_SOCKET_CACHE_ITEMS and MIGRATE_SOCKET_CACHE_TTL.
const (
	migrateCacheItems = 64
	migrateCacheIdle  = 10 * time.Second
	// migrateChunk is how much is written per timeout, as Redis writes
	// 64 KiB at a time, each write with the full timeout.
	migrateChunk = 64 << 10
	// migrateLineMax is the longest reply line Redis reads (its buffer
	// holds 1024 bytes with the terminator).
	migrateLineMax = 1023
)

// migrateConn is a connection to one target, named "host:port" as
// MIGRATE's arguments spell it.
type migrateConn struct {
	name string
	nc   net.Conn
	r    *bufio.Reader
	// lastDB is the database the target last selected for us, -1 when
	// unknown: SELECT is sent only when MIGRATE's differs.
	lastDB int64
	// idle closes the connection once it sat in the cache too long.
	idle *time.Timer
}

// migrateCache holds the idle connections to targets. A connection is
// taken out while a MIGRATE uses it, so two at once to one target use two
// connections; the second one back replaces the first.
type migrateCache struct {
	mu    sync.Mutex
	conns map[string]*migrateConn // guarded by mu
}

// get returns the cached connection named name, out of the cache, or nil.
func (m *migrateCache) get(name string) *migrateConn {
	m.mu.Lock()
	defer m.mu.Unlock()
	mc := m.conns[name]
	if mc != nil {
		delete(m.conns, name)
		mc.idle.Stop()
	}
	return mc
}

// put caches mc, closing the one it replaces, or a random one when the
// cache is full, as Redis drops a random socket.
func (m *migrateCache) put(mc *migrateConn) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.conns == nil {
		m.conns = map[string]*migrateConn{}
	}
	if old := m.conns[mc.name]; old != nil {
		m.dropLocked(old)
	} else if len(m.conns) >= migrateCacheItems {
		victim := rand.IntN(len(m.conns))
		for _, old := range m.conns {
			if victim == 0 {
				m.dropLocked(old)
				break
			}
			victim--
		}
	}
	m.conns[mc.name] = mc
	mc.idle = time.AfterFunc(migrateCacheIdle, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.conns[mc.name] == mc {
			m.dropLocked(mc)
		}
	})
}

func (m *migrateCache) dropLocked(mc *migrateConn) {
	delete(m.conns, mc.name)
	if mc.idle != nil {
		mc.idle.Stop()
	}
	mc.nc.Close()
}

// closeAll closes every cached connection (at shutdown).
func (m *migrateCache) closeAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, mc := range m.conns {
		m.dropLocked(mc)
	}
}

// size returns the number of cached connections.
func (m *migrateCache) size() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.conns)
}

// migrateAddr turns MIGRATE's host and port into an address to dial, as
// Redis does: the port is read like C's atoi ("7000x" is 7000, "x" is 0)
// and a number past 65535 wraps; an empty host or a negative port does not
// resolve.
func migrateAddr(host, port string) (string, bool) {
	p := atoi(port)
	if host == "" || p < 0 {
		return "", false
	}
	return net.JoinHostPort(host, strconv.FormatInt(p&0xffff, 10)), true
}

// atoi reads an optionally signed decimal number after leading white
// space, up to the first other byte, as C's atoi does (0 when no digit
// comes). It saturates instead of overflowing.
func atoi(s string) int64 {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var n int64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n < 1<<40 {
			n = n*10 + int64(s[i]-'0')
		}
	}
	if neg {
		n = -n
	}
	return n
}

// dial opens a connection to MIGRATE's target. A failure to resolve is
// errMigrateConnect; any other (refused, timed out) is reported as Redis
// reports it, as a write error, with timedOut set when no retry is due.
func (m *migrateCache) dial(a migrateArgs, name string) (*migrateConn, error) {
	addr, ok := migrateAddr(a.host, a.port)
	if !ok {
		return nil, errMigrateConnect
	}
	nc, err := net.DialTimeout("tcp", addr, time.Duration(a.timeout)*time.Millisecond)
	if err != nil {
		var dnsErr *net.DNSError
		var addrErr *net.AddrError
		if errors.As(err, &dnsErr) || errors.As(err, &addrErr) {
			return nil, errMigrateConnect
		}
		return nil, errMigrateWrite
	}
	return &migrateConn{name: name, nc: nc, r: bufio.NewReader(nc), lastDB: -1}, nil
}

// migrateResult is what a transfer did: which keys the target acknowledged
// (by index in the keys given) and the error to reply, "" for OK.
type migrateResult struct {
	acked []bool
	err   Error
}

func (r migrateResult) anyAcked() bool {
	for _, a := range r.acked {
		if a {
			return true
		}
	}
	return false
}

// transfer sends AUTH (when asked), SELECT (when the connection's database
// differs) and one RESTORE per key to the target, and reads one reply line
// for each, as Redis's migrateCommand does: the first error the target
// replied is passed on (AUTH's before SELECT's before the keys'); the keys
// it acknowledged are in acked even then. A socket error before any reply
// (a cached connection the target closed) closes the connection and tries
// once more on a new one, unless it was a timeout.
func (m *migrateCache) transfer(a migrateArgs, ks []migrateKey) migrateResult {
	name := a.host + ":" + a.port
	res := migrateResult{acked: make([]bool, len(ks))}
	mayRetry := true
	for {
		mc := m.get(name)
		if mc == nil {
			var err error
			if mc, err = m.dial(a, name); err != nil {
				res.err = err.(Error)
				return res
			}
		}
		retry, err := mc.exchange(a, ks, &res)
		if err == "" || !retry || !mayRetry {
			if mc.nc != nil {
				m.put(mc)
			}
			res.err = err
			return res
		}
		mayRetry = false
	}
}

// exchange is one attempt of transfer on mc. retry reports a socket error
// after which nothing was acknowledged and that was no timeout; mc.nc is
// nil once a socket error closed it.
func (mc *migrateConn) exchange(a migrateArgs, ks []migrateKey, res *migrateResult) (retry bool, err Error) {
	timeout := time.Duration(a.timeout) * time.Millisecond
	sel := mc.lastDB != a.db
	buf := mc.request(a, ks, sel)
	fail := func(e error, why Error) (bool, Error) {
		mc.nc.Close()
		mc.nc = nil
		return !errors.Is(e, os.ErrDeadlineExceeded), why
	}
	for pos := 0; pos < len(buf); {
		end := min(pos+migrateChunk, len(buf))
		mc.nc.SetWriteDeadline(time.Now().Add(timeout))
		n, e := mc.nc.Write(buf[pos:end])
		if e != nil {
			return fail(e, errMigrateWrite)
		}
		pos += n
	}
	var authReply, selReply string
	if a.auth {
		line, e := mc.readLine(timeout)
		if e != nil {
			return fail(e, errMigrateRead)
		}
		authReply = line
	}
	if sel {
		line, e := mc.readLine(timeout)
		if e != nil {
			return fail(e, errMigrateRead)
		}
		selReply = line
	}
	var targetErr Error
	for j := range ks {
		line, e := mc.readLine(timeout)
		if e != nil {
			if targetErr == "" && j == 0 {
				return fail(e, errMigrateRead)
			}
			mc.nc.Close()
			mc.nc = nil
			if targetErr != "" {
				return false, targetErr
			}
			return false, errMigrateRead
		}
		first := ""
		switch {
		case len(authReply) > 0 && authReply[0] == '-':
			first = authReply
		case len(selReply) > 0 && selReply[0] == '-':
			first = selReply
		case len(line) > 0 && line[0] == '-':
			first = line
		}
		if first == "" {
			res.acked[j] = true
			continue
		}
		if targetErr == "" {
			mc.lastDB = -1
			targetErr = Error("ERR Target instance replied with error: " + first[1:])
		}
	}
	if targetErr != "" {
		return false, targetErr
	}
	mc.lastDB = a.db
	return false, ""
}

// request builds the commands of one attempt, in RESP (resp.Writer's
// RESP2 encoding: each command an array of bulk strings). The payloads go
// in as they are, without a copy into a string.
func (mc *migrateConn) request(a migrateArgs, ks []migrateKey, sel bool) []byte {
	n := 64
	for _, k := range ks {
		n += len(k.name) + len(k.payload) + 64
	}
	w := resp.Writer{B: make([]byte, 0, n)}
	command := func(args ...string) {
		w.Array(len(args))
		for _, s := range args {
			w.BulkString(s)
		}
	}
	if a.auth {
		if a.user != "" {
			command("AUTH", a.user, a.pass)
		} else {
			command("AUTH", a.pass)
		}
	}
	if sel {
		command("SELECT", strconv.FormatInt(a.db, 10))
	}
	for _, k := range ks {
		if a.replace {
			w.Array(5)
		} else {
			w.Array(4)
		}
		w.BulkString("RESTORE")
		w.BulkString(k.name)
		w.BulkString(strconv.FormatInt(k.ttl, 10))
		w.Bulk(k.payload)
		if a.replace {
			w.BulkString("REPLACE")
		}
	}
	return w.B
}

// readLine reads one reply line within timeout, without its line ending
// and cut to the length Redis reads. A bare "\n" is an error, as for
// Redis's syncReadLine.
func (mc *migrateConn) readLine(timeout time.Duration) (string, error) {
	mc.nc.SetReadDeadline(time.Now().Add(timeout))
	var line []byte
	for {
		part, err := mc.r.ReadSlice('\n')
		if room := migrateLineMax + 2 - len(line); room > 0 {
			line = append(line, part[:min(room, len(part))]...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return "", err
		}
		break
	}
	if len(line) > 0 && line[len(line)-1] == '\n' {
		line = line[:len(line)-1]
	}
	if len(line) == 0 {
		return "", errEmptyLine
	}
	if n := len(line); line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > migrateLineMax {
		line = line[:migrateLineMax]
	}
	return string(line), nil
}

var errEmptyLine = errors.New("empty reply line")
