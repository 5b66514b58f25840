package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/runnel-db/runnel/bench/wire"
)

// splitCommand splits a command line into words as a POSIX shell would for
// the simple cases a server command needs: blanks separate words, '...'
// quotes literally, "..." quotes with backslash escapes of " and \, and a
// backslash outside quotes escapes the next character. There is no
// expansion of any kind.
func splitCommand(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case ch == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated ' in command")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case ch == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New(`unterminated " in command`)
			}
		case ch == '\\':
			inWord = true
			if i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			}
		default:
			inWord = true
			cur.WriteByte(ch)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) == 0 {
		return nil, errors.New("empty command")
	}
	return words, nil
}

// expandTemplate splits a server command template and replaces {port} and
// {dir} in each word.
func expandTemplate(tmpl string, port int, dir string) ([]string, error) {
	words, err := splitCommand(tmpl)
	if err != nil {
		return nil, err
	}
	r := strings.NewReplacer("{port}", strconv.Itoa(port), "{dir}", dir)
	for i, w := range words {
		words[i] = r.Replace(w)
	}
	return words, nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// serverProc is a server process this tool started.
type serverProc struct {
	cmd     *exec.Cmd
	addr    string
	started time.Time
	exited  chan struct{}
	waitErr error

	mu        sync.Mutex // guards matchedAt and tail
	matchedAt time.Time  // when the first output line matching the regexp arrived
	tail      []string   // the last lines of output, for error messages
}

// startServer execs argv with its stdout and stderr merged and watched for
// a line matching loaded (nil for none); log, when not nil, gets a copy.
func startServer(argv []string, addr string, loaded *regexp.Regexp, log io.Writer) (*serverProc, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &serverProc{cmd: cmd, addr: addr, exited: make(chan struct{})}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return nil, err
	}
	pw.Close()
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			now := time.Now()
			if log != nil {
				fmt.Fprintln(log, line)
			}
			p.mu.Lock()
			if loaded != nil && p.matchedAt.IsZero() && loaded.MatchString(line) {
				p.matchedAt = now
			}
			p.tail = append(p.tail, line)
			if len(p.tail) > 20 {
				p.tail = p.tail[1:]
			}
			p.mu.Unlock()
		}
		pr.Close()
	}()
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

func (p *serverProc) lastLines() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.tail, "\n")
}

func (p *serverProc) matched() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.matchedAt
}

// waitPing polls until the server answers PING with PONG (a LOADING error
// is not an answer) and returns when that happened.
func (p *serverProc) waitPing(timeout time.Duration) (time.Time, error) {
	at, err := waitPong(p.addr, timeout, p.exited)
	if err != nil {
		select {
		case <-p.exited:
			return at, fmt.Errorf("server exited (%v) before answering PING; its last output:\n%s", p.waitErr, p.lastLines())
		default:
		}
		return at, fmt.Errorf("%w; the server's last output:\n%s", err, p.lastLines())
	}
	return at, nil
}

// waitPong polls addr every millisecond until PING gets PONG, timeout
// passes or exited (when not nil) is closed.
func waitPong(addr string, timeout time.Duration, exited <-chan struct{}) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	var c *wire.Conn
	defer func() {
		if c != nil {
			c.Close()
		}
	}()
	var r wire.Reply
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return time.Time{}, errors.New("server exited")
		default:
		}
		if c == nil {
			var err error
			if c, err = wire.Dial(addr, 100*time.Millisecond); err != nil {
				c, last = nil, err
				time.Sleep(time.Millisecond)
				continue
			}
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		v, err := c.Do(&r, "PING")
		if err == nil && v.Str() == "PONG" {
			return time.Now(), nil
		}
		if err == nil {
			err = fmt.Errorf("PING answered %v", v)
		}
		last = err
		var se *wire.Error
		if !errors.As(err, &se) { // the connection broke: dial again
			c.Close()
			c = nil
		}
		time.Sleep(time.Millisecond)
	}
	return time.Time{}, fmt.Errorf("no PONG from %s within %v (last: %v)", addr, timeout, last)
}

// stop sends SIGTERM and waits for the process to exit, killing it after
// timeout. It returns how long the exit took.
func (p *serverProc) stop(timeout time.Duration) (time.Duration, error) {
	t0 := time.Now()
	select {
	case <-p.exited:
		return 0, fmt.Errorf("server had already exited (%v); its last output:\n%s", p.waitErr, p.lastLines())
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return time.Since(t0), nil
	case <-time.After(timeout):
		p.kill()
		return time.Since(t0), fmt.Errorf("server did not exit within %v of SIGTERM; killed", timeout)
	}
}

// kill ends the process at once (used on error paths; harmless after exit).
func (p *serverProc) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
}
