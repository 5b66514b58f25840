package compat_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	replyTimeout  = 6 * time.Second
	settleTimeout = 2 * time.Second
)

// target is one of the two servers compared, kept for the whole run. A
// runnel that dies is restarted before the next case, so one crash fails
// one case, not the rest.
type target struct {
	t      *testing.T
	srv    *server
	start  func() (*server, error) // nil when the server is not ours to restart
	ctl    *client                 // RESP2 control connection: FLUSHALL, INFO, CONFIG
	infoOK bool                    // INFO clients has blocked_clients
}

func (tg *target) name() string { return tg.srv.name }

// ready makes sure the server is up and the control connection works.
func (tg *target) ready() error {
	if tg.srv.proc != nil && !tg.srv.proc.alive() {
		tg.t.Logf("%s exited (%v); output tail:\n%s", tg.srv.name, tg.srv.proc.err, tail(tg.srv.proc.out.String(), 4000))
		if tg.start == nil {
			return fmt.Errorf("%s is gone", tg.srv.name)
		}
		srv, err := tg.start()
		if err != nil {
			return fmt.Errorf("restarting %s: %v", tg.srv.name, err)
		}
		tg.srv = srv
		tg.ctl = nil
	}
	if tg.ctl != nil && (tg.ctl.broken != nil || tg.ctl.closed) {
		tg.ctl.close()
		tg.ctl = nil
	}
	if tg.ctl == nil {
		c, err := dial(tg.srv.addr)
		if err != nil {
			return fmt.Errorf("%s: %v", tg.srv.name, err)
		}
		tg.ctl = c
		_, ok := tg.blocked()
		tg.infoOK = ok
	}
	return nil
}

// blocked returns INFO clients' blocked_clients.
func (tg *target) blocked() (int, bool) {
	v, err := tg.ctl.do(replyTimeout, "INFO", "clients")
	if err != nil {
		return 0, false
	}
	f := infoField(v, "blocked_clients", 2)
	n, err := strconv.Atoi(strings.TrimSpace(f.Str))
	return n, f.Kind == kBulk && err == nil
}

// side is one server's state during one run of a case.
type side struct {
	tg      *target
	resp    int
	clients map[byte]*client
	sent    map[byte][][]string // commands whose replies are still to be read
	norm    *normState
	configs [][2]string // CONFIG values to restore after the case
}

func (s *side) client(letter byte) (*client, error) {
	if c := s.clients[letter]; c != nil {
		return c, nil
	}
	c, err := dial(s.tg.srv.addr)
	if err != nil {
		return nil, err
	}
	if s.resp == 3 {
		v, err := c.do(replyTimeout, "HELLO", "3")
		if err != nil || v.Kind != kMap {
			c.close()
			return nil, fmt.Errorf("HELLO 3 gave %q (%v)", v.bytes(), err)
		}
	}
	s.clients[letter] = c
	return c, nil
}

func (s *side) closeAll() {
	for _, c := range s.clients {
		c.close()
	}
	s.clients = map[byte]*client{}
}

// settle waits, after a command was sent without reading, until the server
// has either answered it or blocked the client, so the next line runs
// after it. Without INFO clients it falls back to a short sleep.
func (s *side) settle(c *client, before int) {
	if !s.tg.infoOK {
		time.Sleep(50 * time.Millisecond)
		return
	}
	deadline := time.Now().Add(settleTimeout)
	for time.Now().Before(deadline) {
		if c.readable(2 * time.Millisecond) {
			return
		}
		if n, ok := s.tg.blocked(); !ok || n > before {
			return
		}
	}
}

type mode struct {
	self    bool // the subject is a second redis-server
	verbose int  // 1: log replies as redis-cli prints them; 2: one line each, in the notation
	extra   normSet
}

func TestCompat(t *testing.T) {
	files := loadCases(t)
	m := mode{self: os.Getenv("COMPAT_SELF") == "1", verbose: verbosity()}
	if list := os.Getenv("COMPAT_NORMALIZE"); list != "" {
		n, err := parseNorm(list)
		if err != nil {
			t.Fatalf("COMPAT_NORMALIZE: %v", err)
		}
		m.extra = n
	}
	oracle := &target{t: t, srv: startRedis(t)}
	subject := &target{t: t}
	switch addr := os.Getenv("RUNNEL_ADDR"); {
	case m.self:
		subject.srv = startRedis(t)
		subject.srv.name = "second " + subject.srv.name
	case addr != "":
		subject.srv = &server{name: "runnel at RUNNEL_ADDR " + addr, addr: addr}
	default:
		start := func() (*server, error) { return startRunnel(t) }
		srv, err := start()
		if err != nil {
			t.Fatalf("cannot run runnel, so nothing can be compared: %v\n"+
				"(COMPAT_SELF=1 checks the cases against two redis-servers instead; RUNNEL_ADDR=host:port uses a running runnel)", err)
		}
		subject.srv, subject.start = srv, start
	}
	t.Logf("oracle: %s at %s; subject: %s at %s", oracle.name(), oracle.srv.addr, subject.name(), subject.srv.addr)
	for _, f := range files {
		for _, tc := range f.cases {
			t.Run(tc.name, func(t *testing.T) {
				if tc.skipRunnel && !m.self {
					t.Skip("case uses what runnel does not store (see the case file); it runs with COMPAT_SELF=1")
				}
				for _, resp := range tc.resp {
					t.Run(fmt.Sprintf("resp%d", resp), func(t *testing.T) {
						runCase(t, m, tc, resp, oracle, subject)
					})
				}
			})
		}
	}
}

// loadCases parses testdata/*.txt, keeping the files COMPAT_FILES names.
func loadCases(t *testing.T) []*caseFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no case files in testdata (%v)", err)
	}
	sort.Strings(paths)
	var patterns []string
	if env := os.Getenv("COMPAT_FILES"); env != "" {
		patterns = strings.Split(env, ",")
	}
	var files []*caseFile
	seen := map[string]string{}
	for _, p := range paths {
		f, err := parseCaseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range f.cases {
			if other, dup := seen[tc.name]; dup {
				t.Fatalf("case %q is in both %s and %s", tc.name, other, p)
			}
			seen[tc.name] = p
		}
		if len(patterns) > 0 && !matchAny(patterns, f.base) {
			continue
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatalf("COMPAT_FILES=%q matches no case file", os.Getenv("COMPAT_FILES"))
	}
	return files
}

func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := filepath.Match(strings.TrimSpace(p), name); ok {
			return true
		}
	}
	return false
}

// result is one side's reply to one line.
type result struct {
	raw  []byte
	orig Value
	norm Value
	err  error
}

// runCase runs one case in one protocol version on both servers.
func runCase(t *testing.T, m mode, tc *testCase, resp int, oracle, subject *target) {
	var sides []*side
	for _, tg := range []*target{oracle, subject} {
		if err := tg.ready(); err != nil {
			t.Fatal(err)
		}
		s := &side{tg: tg, resp: resp, clients: map[byte]*client{}, sent: map[byte][][]string{}, norm: newNormState(tc.norm | m.extra)}
		if err := s.prepare(tc); err != nil {
			t.Fatalf("preparing %s: %v", tg.name(), err)
		}
		sides = append(sides, s)
	}
	defer func() {
		for _, s := range sides {
			s.closeAll()
			s.restoreConfig()
		}
	}()
	var transcript []string
	for i := range tc.steps {
		st := &tc.steps[i]
		transcript = append(transcript, fmt.Sprintf("%4d  %s", st.line, st.text))
		switch st.kind {
		case stepSleep:
			time.Sleep(st.sleep)
			continue
		case stepClose:
			for _, s := range sides {
				if c := s.clients[st.client]; c != nil {
					c.close()
					delete(s.clients, st.client)
					delete(s.sent, st.client)
				}
			}
			continue
		}
		active := sides
		if st.mods.only74 {
			if m.self {
				continue
			}
			active = sides[1:]
		}
		if st.expect82 != nil && !m.self {
			// The oracle lacks what the line uses: runnel alone answers.
			// With COMPAT_SELF both redis-servers get it, to show that
			// their reply is not the recorded one.
			active = sides[1:]
		}
		results := make([]result, len(sides))
		for j, s := range sides {
			if j == 0 && len(active) == 1 {
				continue
			}
			results[j] = s.run(st)
		}
		for j, r := range results {
			if r.err != nil && (j == 1 || len(active) == 2) {
				t.Fatalf("%s\n%s: %v\n%s", where(tc, st, resp), sides[j].tg.name(), r.err, outputTail_(sides[j].tg))
			}
		}
		if st.mode == '>' {
			continue
		}
		switch {
		case st.quiet:
		case m.verbose == 1:
			t.Log(verboseLine(st, resp, sides, results, len(active)))
		case m.verbose == 2:
			t.Log(compactLine(st, resp, sides, results, len(active)))
		}
		if st.mods.ignore {
			continue
		}
		if msg := compareStep(m, st, resp, sides, results); msg != "" {
			t.Fatalf("%s\n%s\ncase so far:\n%s", where(tc, st, resp), msg, strings.Join(transcript, "\n"))
		}
	}
	for _, s := range sides {
		if p := s.tg.srv.proc; p != nil && !p.alive() {
			t.Fatalf("%s exited during the case (%v); output tail:\n%s", s.tg.name(), p.err, tail(p.out.String(), 4000))
		}
	}
}

func where(tc *testCase, st *step, resp int) string {
	return fmt.Sprintf("case %s (%s:%d), RESP%d, line %d:\n    %s", tc.name, tc.file, tc.line, resp, st.line, st.text)
}

func outputTail_(tg *target) string {
	if tg.srv.proc == nil {
		return ""
	}
	return "output tail:\n" + tail(tg.srv.proc.out.String(), 4000)
}

// compareStep returns a description of the mismatch, or "".
func compareStep(m mode, st *step, resp int, sides []*side, rs []result) string {
	exp, hasExp := st.expect74[resp]
	label, version := "@expect74", "Redis 7.4"
	if e, ok := st.expect82[resp]; ok {
		exp, hasExp = e, true
		label, version = "@expect"+strings.ReplaceAll(st.newer, ".", ""), "Redis "+st.newer
	}
	o, s := rs[0], rs[1]
	if m.self {
		if id := sides[0].norm.unnormalisedClockID(o.norm); id != "" {
			return fmt.Sprintf("the reply holds %s, an ID made from the clock: add @normalize=ids (or msids) to the case", id)
		}
		if !bytes.Equal(o.norm.bytes(), s.norm.bytes()) {
			return describe("the two redis-servers disagree (the case or its normalisation is not deterministic)",
				sides[0].tg.name(), o, sides[1].tg.name(), s)
		}
		if hasExp && bytes.Equal(exp.bytes(), o.norm.bytes()) {
			return fmt.Sprintf("%s gives the same reply as the oracle, so it records no %s difference:\n%s",
				label, version, indentLines(pretty(exp), "    "))
		}
		return ""
	}
	if hasExp {
		if bytes.Equal(exp.bytes(), s.norm.bytes()) {
			return ""
		}
		e := result{orig: exp, norm: exp, raw: exp.bytes()}
		msg := describe("runnel differs from the "+version+" reply the case records ("+label+")",
			"expected ("+version+", from the case)", e, sides[1].tg.name(), s)
		if o.raw != nil {
			msg += fmt.Sprintf("\n(for reference, %s replied:\n%s)", sides[0].tg.name(), indentLines(pretty(o.orig), "    "))
		}
		return msg
	}
	if bytes.Equal(o.norm.bytes(), s.norm.bytes()) {
		return ""
	}
	return describe("replies differ", sides[0].tg.name(), o, sides[1].tg.name(), s)
}

func describe(title, aName string, a result, bName string, b result) string {
	var sb strings.Builder
	sb.WriteString(title + ":\n")
	for _, x := range []struct {
		mark, name string
		r          result
	}{{"---", aName, a}, {"+++", bName, b}} {
		fmt.Fprintf(&sb, "%s %s:\n%s\n", x.mark, x.name, indentLines(clip(pretty(x.r.norm), 120*80), "    "))
		fmt.Fprintf(&sb, "    raw: %s\n", clip(fmt.Sprintf("%q", x.r.raw), 2000))
		if nb := x.r.norm.bytes(); !bytes.Equal(nb, x.r.raw) {
			fmt.Fprintf(&sb, "    normalised: %s\n", clip(fmt.Sprintf("%q", nb), 2000))
		}
	}
	return strings.TrimRight(sb.String(), "\n")
}

// prepare empties the server and notes the CONFIG values the case sets.
func (s *side) prepare(tc *testCase) error {
	v, err := s.tg.ctl.do(replyTimeout, "FLUSHALL")
	if err != nil || v.Kind != kSimple {
		return fmt.Errorf("FLUSHALL gave %q (%v)", v.bytes(), err)
	}
	if s.tg.infoOK {
		for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if n, ok := s.tg.blocked(); !ok || n == 0 {
				break
			}
		}
	}
	seen := map[string]bool{}
	for _, st := range tc.steps {
		if len(st.args) < 4 || !strings.EqualFold(st.args[0], "CONFIG") || !strings.EqualFold(st.args[1], "SET") {
			continue
		}
		for i := 2; i+1 < len(st.args); i += 2 {
			name := strings.ToLower(st.args[i])
			if seen[name] {
				continue
			}
			seen[name] = true
			v, err := s.tg.ctl.do(replyTimeout, "CONFIG", "GET", name)
			if err == nil && v.Kind == kArray && len(v.Elems) == 2 {
				s.configs = append(s.configs, [2]string{name, v.Elems[1].Str})
			}
		}
	}
	return nil
}

func (s *side) restoreConfig() {
	for _, c := range s.configs {
		if s.tg.ctl != nil {
			s.tg.ctl.do(replyTimeout, "CONFIG", "SET", c[0], c[1])
		}
	}
}

// run executes one command line on this side.
func (s *side) run(st *step) result {
	c, err := s.client(st.client)
	if err != nil {
		return result{err: err}
	}
	var cmd []string
	if st.mode != '<' {
		cmd = s.norm.substitute(st.args)
		if st.mods.scanAll {
			return s.scanAll(c, cmd)
		}
		before := 0
		if st.mode == '>' && s.tg.infoOK {
			before, _ = s.tg.blocked()
		}
		payload := st.raw
		if payload == nil {
			payload = encodeCommand(cmd)
		}
		if c.closed {
			v := Value{Kind: kClosed}
			return result{orig: v, norm: v, raw: v.bytes()}
		}
		if err := c.send(payload); err != nil {
			if !isReset(err) && !strings.Contains(err.Error(), "broken pipe") {
				return result{err: err}
			}
			c.closed = true
			v := Value{Kind: kClosed}
			return result{orig: v, norm: v, raw: v.bytes()}
		}
		if st.mode == '>' {
			s.sent[st.client] = append(s.sent[st.client], cmd)
			s.settle(c, before)
			return result{}
		}
	} else {
		limit := max(st.mods.wait, st.mods.within)
		if limit > 0 && !c.readable(limit) {
			v := Value{Kind: kNoReply}
			return result{orig: v, norm: v, raw: v.bytes()}
		}
		if q := s.sent[st.client]; len(q) > 0 {
			cmd, s.sent[st.client] = q[0], q[1:]
		}
	}
	v, raw, err := c.read(replyTimeout)
	if err != nil {
		return result{err: fmt.Errorf("reading the reply: %v (read so far: %q)", err, raw)}
	}
	return result{raw: raw, orig: v, norm: s.finish(st, cmd, c.track(cmd, v), v)}
}

// track follows MULTI/EXEC on c. For an EXEC it returns the commands EXEC
// ran, one per element of its reply, so each element is normalised as its
// command's reply would be; otherwise nil.
func (c *client) track(cmd []string, v Value) [][]string {
	name := ""
	if len(cmd) > 0 {
		name = strings.ToUpper(cmd[0])
	}
	switch {
	case name == "MULTI" && v.Kind == kSimple && c.multi == nil:
		c.multi = [][]string{}
	case name == "EXEC" || name == "DISCARD" || name == "RESET":
		queued := c.multi
		c.multi = nil
		if name == "EXEC" && v.Kind == kArray && len(v.Elems) == len(queued) {
			return queued
		}
	case c.multi != nil && v.Kind == kSimple && v.Str == "QUEUED":
		c.multi = append(c.multi, cmd)
	}
	return nil
}

// finish normalises v, the reply to cmd, as the case and the line ask;
// exec holds the commands behind the elements of an EXEC reply.
func (s *side) finish(st *step, cmd []string, exec [][]string, v Value) Value {
	if exec == nil {
		v = s.norm.apply(cmd, v)
	} else {
		elems := make([]Value, len(v.Elems))
		for i, e := range v.Elems {
			elems[i] = s.norm.apply(exec[i], e)
		}
		v.Elems = elems
	}
	if st.mods.field != "" {
		v = infoField(v, st.mods.field, s.resp)
	}
	if st.mods.sort {
		v = sortScalars(v)
	}
	if st.mods.sortPairs {
		v = sortPairs(v)
	}
	if st.mods.shape {
		v = shapeOf(v)
	}
	if st.mods.between != nil {
		v = between(v, *st.mods.between)
	}
	return v
}

// scanAll runs SCAN from cursor 0 until the cursor is 0 again and gives
// the sorted set of keys, so replies do not depend on hash order or on how
// a server splits the iteration.
func (s *side) scanAll(c *client, cmd []string) result {
	keys := map[string]bool{}
	cursor := "0"
	var raw bytes.Buffer
	for range 100000 {
		args := append([]string(nil), cmd...)
		args[1] = cursor
		if err := c.send(encodeCommand(args)); err != nil {
			return result{err: err}
		}
		v, r, err := c.read(replyTimeout)
		raw.Write(r)
		if err != nil {
			return result{err: err}
		}
		if v.Kind != kArray || len(v.Elems) != 2 || !v.Elems[0].isString() || v.Elems[1].Kind != kArray {
			return result{raw: raw.Bytes(), orig: v, norm: s.norm.apply(cmd, v)}
		}
		for _, k := range v.Elems[1].Elems {
			keys[k.Str] = true
		}
		cursor = v.Elems[0].Str
		if cursor == "0" {
			break
		}
	}
	list := make([]string, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	sort.Strings(list)
	out := Value{Kind: kArray, Elems: []Value{}}
	for _, k := range list {
		out.Elems = append(out.Elems, bulk(k))
	}
	return result{raw: raw.Bytes(), orig: out, norm: out}
}

// verboseLine shows one line's replies for COMPAT_VERBOSE=1.
func verboseLine(st *step, resp int, sides []*side, rs []result, active int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d: %s", st.line, st.text)
	show := func(name string, v Value) {
		fmt.Fprintf(&sb, "\n  %s:\n%s", name, indentLines(pretty(v), "    "))
	}
	switch {
	case active == 1:
		show(sides[1].tg.name(), rs[1].norm)
	case bytes.Equal(rs[0].norm.bytes(), rs[1].norm.bytes()):
		show("both", rs[0].norm)
	default:
		show(sides[0].tg.name(), rs[0].norm)
		show(sides[1].tg.name(), rs[1].norm)
	}
	fmt.Fprintf(&sb, "\n  notation: %s", toNotation(rs[len(rs)-1].norm))
	if exp, ok := st.expect74[resp]; ok {
		show("@expect74", exp)
	}
	if exp, ok := st.expect82[resp]; ok {
		show("@expect"+strings.ReplaceAll(st.newer, ".", ""), exp)
	}
	return sb.String()
}

// compactLine shows one line's replies in the notation for COMPAT_VERBOSE=2.
func compactLine(st *step, resp int, sides []*side, rs []result, active int) string {
	line := fmt.Sprintf("%d: %s  =>  %s", st.line, st.text, toNotation(rs[1].norm))
	if active == 2 && !bytes.Equal(rs[0].norm.bytes(), rs[1].norm.bytes()) {
		line += "  | oracle: " + toNotation(rs[0].norm)
	}
	if exp, ok := st.expect74[resp]; ok {
		line += "  | @expect74: " + toNotation(exp)
		if bytes.Equal(without74Fields(exp).bytes(), rs[0].norm.bytes()) {
			line += "  | (the 7.0 fields match the oracle)"
		}
	}
	if exp, ok := st.expect82[resp]; ok {
		line += "  | @expect" + strings.ReplaceAll(st.newer, ".", "") + ": " + toNotation(exp)
	}
	return line
}

// without74Fields drops the consumer fields 7.4 added (inactive,
// active-time), to show a case author whether the rest of an @expect74
// reply agrees with the oracle.
func without74Fields(v Value) Value {
	return walk(v, func(a Value) Value {
		if (a.Kind != kMap && a.Kind != kArray) || len(a.Elems)%2 != 0 {
			return a
		}
		var kept []Value
		dropped := false
		for i := 0; i+1 < len(a.Elems); i += 2 {
			if k := a.Elems[i]; k.isString() && (k.Str == "inactive" || k.Str == "active-time") {
				dropped = true
				continue
			}
			kept = append(kept, a.Elems[i], a.Elems[i+1])
		}
		if dropped {
			a.Elems = kept
		}
		return a
	})
}

func verbosity() int {
	n, _ := strconv.Atoi(os.Getenv("COMPAT_VERBOSE"))
	return n
}

// clip shortens s to about n bytes for a failure message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("... (%d more bytes)", len(s)-n)
}
