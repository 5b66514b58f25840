package compat_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The case-file format is described in README.md beside this file.

// normSet is a set of normalisations applied to both sides' replies.
type normSet uint8

const (
	normIDs     normSet = 1 << iota // IDs made from the clock -> <id1>, <id2>, ...
	normMsIDs                       // their millisecond part only -> <t1>-seq
	normTimes                       // idle/time integers of XINFO and XPENDING -> <idle>/<time>
	normRax                         // XINFO STREAM radix-tree-nodes -> <rax>
	normTimes1s                     // like times, but keeps whether each is under a second
	normMonitor                     // MONITOR lines: time -> <time>, client address -> <addr1>, ...
)

var normNames = map[string]normSet{"ids": normIDs, "msids": normMsIDs, "times": normTimes, "times1s": normTimes1s, "rax": normRax, "monitor": normMonitor}

func parseNorm(list string) (normSet, error) {
	var n normSet
	for _, name := range strings.Split(list, ",") {
		bit, ok := normNames[strings.TrimSpace(name)]
		if !ok {
			return 0, fmt.Errorf("unknown normalisation %q (have ids, msids, times, times1s, rax)", name)
		}
		n |= bit
	}
	return n, nil
}

type stepKind int

const (
	stepCommand stepKind = iota // send and/or read on a client
	stepSleep                   // @sleep
	stepClose                   // @close
)

// modifiers change how one command line is sent or its reply compared.
type modifiers struct {
	ignore    bool          // @ignore: read the reply, compare nothing
	shape     bool          // @shape: compare only the types of the scalars
	only74    bool          // @74only: send to runnel only; needs @expect74
	sort      bool          // @sort: sort every array of scalars
	sortPairs bool          // @sortpairs: sort the reply's key/value pairs by key
	scanAll   bool          // @scanall: iterate SCAN to cursor 0, compare the sorted keys
	raw       bool          // @raw: the rest of the line is one quoted string sent verbatim
	field     string        // @field=NAME[.SUB]: compare one field of an INFO-style reply
	wait      time.Duration // @wait=MS on X<: gives (no reply yet) if nothing comes within MS; not counted as the read
	within    time.Duration // @within=MS on X<: the read itself, but (no reply yet) if nothing comes within MS
	between   *[2]int64     // @between=LO,HI: an integer in [LO,HI] compares equal
	push      bool          // @push on X<: read a reply nothing was sent for (a Pub/Sub message, a second (un)subscribe confirmation)
}

// step is one line of a case.
type step struct {
	line     int
	text     string
	kind     stepKind
	client   byte // 'A' .. 'Z'; plain lines use 'A'
	mode     byte // ':' send and read, '>' send only, '<' read only
	args     []string
	raw      []byte
	mods     modifiers
	expect74 map[int]Value // reply runnel must give, per RESP version, where 7.4 differs
	// expect82 is the reply Redis 8.2 (or 8.6, 8.8: newer says which) gives,
	// per RESP version, to a line the 7.0.15 oracle cannot answer (a
	// command or option it lacks): the line goes to runnel only, which
	// must give it.
	expect82 map[int]Value
	newer    string // "8.2" for @expect82, "8.6" for @expect86, "8.8" for @expect88
	sleep    time.Duration
	quiet    bool // a middle line of an @repeat, left out of verbose logs
}

// testCase is one "=== name" block of a case file.
type testCase struct {
	name       string
	file       string
	line       int
	resp       []int
	norm       normSet
	skipRunnel bool
	steps      []step
}

// caseFile is one parsed testdata file.
type caseFile struct {
	path  string
	base  string // file name without directory and .txt
	cases []*testCase
}

var (
	caseNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.+/-]*$`)
	clientRE   = regexp.MustCompile(`^([A-Z])([:<>])(\s|$)`)
)

// parseCaseFile reads one case file.
func parseCaseFile(path string) (*caseFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(filepath.Base(path), ".txt")
	return parseCases(path, base, data)
}

func parseCases(path, base string, data []byte) (*caseFile, error) {
	f := &caseFile{path: path, base: base}
	p := &caseParser{file: f, defResp: []int{2, 3}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var lines []string
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		lineNo := i + 1
		// A reply in the notation may continue over several lines while
		// its brackets are open.
		if strings.HasPrefix(line, "@expect74") || strings.HasPrefix(line, "@expect82") || strings.HasPrefix(line, "@expect86") || strings.HasPrefix(line, "@expect88") {
			for openBrackets(line) > 0 && i+1 < len(lines) {
				i++
				line += " " + strings.TrimSpace(lines[i])
			}
		}
		if err := p.line(lineNo, line); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, lineNo, err)
		}
	}
	if err := p.finish(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

type caseParser struct {
	file    *caseFile
	cur     *testCase
	defResp []int
	defNorm normSet
	defSkip bool
}

func (p *caseParser) line(n int, line string) error {
	switch {
	case line == "" || strings.HasPrefix(line, "#"):
		return nil
	case strings.HasPrefix(line, "=== "):
		if err := p.finish(); err != nil {
			return err
		}
		return p.header(n, strings.TrimSpace(line[4:]))
	case strings.HasPrefix(line, "@default "):
		if p.cur != nil {
			return fmt.Errorf("@default must come before the first case")
		}
		tc := &testCase{resp: p.defResp}
		for _, opt := range strings.Fields(line[len("@default "):]) {
			if err := caseOption(tc, "@"+strings.TrimPrefix(opt, "@")); err != nil {
				return err
			}
		}
		p.defResp, p.defNorm, p.defSkip = tc.resp, tc.norm, tc.skipRunnel
		return nil
	}
	if p.cur == nil {
		return fmt.Errorf("line outside a case (cases start with '=== name')")
	}
	tc := p.cur
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch {
	case word == "@sleep":
		ms, err := strconv.Atoi(rest)
		if err != nil || ms < 0 || ms > 10000 {
			return fmt.Errorf("@sleep wants milliseconds (0..10000), got %q", rest)
		}
		tc.steps = append(tc.steps, step{line: n, text: line, kind: stepSleep, sleep: time.Duration(ms) * time.Millisecond})
		return nil
	case word == "@close":
		if len(rest) != 1 || rest[0] < 'A' || rest[0] > 'Z' {
			return fmt.Errorf("@close wants a client letter, got %q", rest)
		}
		tc.steps = append(tc.steps, step{line: n, text: line, kind: stepClose, client: rest[0]})
		return nil
	case word == "@repeat":
		countText, body, _ := strings.Cut(rest, " ")
		count, err := strconv.Atoi(countText)
		if err != nil || count < 1 || count > 10000 {
			return fmt.Errorf("@repeat wants a count (1..10000) and a line, got %q", rest)
		}
		for i := 1; i <= count; i++ {
			if err := p.command(n, strings.ReplaceAll(body, "{i}", strconv.Itoa(i))); err != nil {
				return err
			}
			tc.steps[len(tc.steps)-1].quiet = i > 1 && i < count
		}
		return nil
	case word == "@expect74" || word == "@expect74/2" || word == "@expect74/3":
		return p.expect74(word, rest)
	case word == "@expect82" || word == "@expect82/2" || word == "@expect82/3":
		return p.expect82(word, rest, "8.2")
	case word == "@expect86" || word == "@expect86/2" || word == "@expect86/3":
		return p.expect82(word, rest, "8.6")
	case word == "@expect88" || word == "@expect88/2" || word == "@expect88/3":
		return p.expect82(word, rest, "8.8")
	}
	return p.command(n, line)
}

func (p *caseParser) header(n int, text string) error {
	fields := strings.Fields(text)
	if len(fields) == 0 || !caseNameRE.MatchString(fields[0]) {
		return fmt.Errorf("case name %q: want lower-case letters, digits and _.+/-", text)
	}
	tc := &testCase{name: fields[0], file: p.file.path, line: n, resp: p.defResp, norm: p.defNorm, skipRunnel: p.defSkip}
	for _, opt := range fields[1:] {
		if err := caseOption(tc, opt); err != nil {
			return err
		}
	}
	for _, other := range p.file.cases {
		if other.name == tc.name {
			return fmt.Errorf("case %q defined twice (also at line %d)", tc.name, other.line)
		}
	}
	p.cur = tc
	return nil
}

func caseOption(tc *testCase, opt string) error {
	name, val, _ := strings.Cut(opt, "=")
	switch name {
	case "@resp":
		switch val {
		case "2":
			tc.resp = []int{2}
		case "3":
			tc.resp = []int{3}
		case "2,3":
			tc.resp = []int{2, 3}
		default:
			return fmt.Errorf("@resp wants 2, 3 or 2,3, got %q", val)
		}
	case "@normalize":
		n, err := parseNorm(val)
		if err != nil {
			return err
		}
		tc.norm |= n
	case "@skip-runnel":
		tc.skipRunnel = true
	default:
		return fmt.Errorf("unknown case option %q (have @resp=, @normalize=, @skip-runnel)", opt)
	}
	return nil
}

// command parses "[X: | X> | X<] [@modifier...] args...".
func (p *caseParser) command(n int, line string) error {
	s := step{line: n, text: line, kind: stepCommand, client: 'A', mode: ':'}
	// The client prefix and the modifiers may come in either order.
	prefixed := false
	for {
		if m := clientRE.FindStringSubmatch(line); m != nil && !prefixed && !s.mods.raw {
			s.client, s.mode = m[1][0], m[2][0]
			line = strings.TrimSpace(line[2:])
			prefixed = true
			continue
		}
		if !strings.HasPrefix(line, "@") || s.mods.raw {
			break
		}
		word, rest, _ := strings.Cut(line, " ")
		line = strings.TrimSpace(rest)
		if err := lineModifier(&s.mods, word); err != nil {
			return err
		}
	}
	switch {
	case s.mode == '<':
		if line != "" {
			return fmt.Errorf("a read line (%c<) takes no command", s.client)
		}
	case s.mods.raw:
		args, err := splitArgs(line)
		if err != nil {
			return err
		}
		if len(args) != 1 {
			return fmt.Errorf("@raw wants one quoted string")
		}
		s.raw = []byte(args[0])
	default:
		args, err := splitArgs(line)
		if err != nil {
			return err
		}
		if len(args) == 0 {
			return fmt.Errorf("empty command")
		}
		s.args = args
	}
	if s.mods.scanAll && (len(s.args) < 2 || !strings.EqualFold(s.args[0], "SCAN")) {
		return fmt.Errorf("@scanall needs a SCAN command")
	}
	if s.mode == '>' && (s.mods.ignore || s.mods.shape || s.mods.sort || s.mods.sortPairs || s.mods.field != "" || s.mods.between != nil || s.mods.wait > 0 || s.mods.within > 0 || s.mods.scanAll) {
		return fmt.Errorf("reply modifiers belong on the %c< line, not on the send", s.client)
	}
	if s.mods.push && s.mode != '<' {
		return fmt.Errorf("@push belongs on read lines (X<)")
	}
	if (s.mods.wait > 0 || s.mods.within > 0) && s.mode != '<' {
		return fmt.Errorf("@wait and @within belong on read lines (X<)")
	}
	if s.mods.only74 && s.mode != ':' && !(s.mode == '<' && s.mods.push) {
		return fmt.Errorf("@74only works on plain (send and read) lines and X< @push lines only")
	}
	p.cur.steps = append(p.cur.steps, s)
	return nil
}

func lineModifier(m *modifiers, word string) error {
	name, val, hasVal := strings.Cut(word, "=")
	flag := func(b *bool) error {
		if hasVal {
			return fmt.Errorf("%s takes no value", name)
		}
		*b = true
		return nil
	}
	switch name {
	case "@ignore":
		return flag(&m.ignore)
	case "@push":
		return flag(&m.push)
	case "@shape":
		return flag(&m.shape)
	case "@74only":
		return flag(&m.only74)
	case "@sort":
		return flag(&m.sort)
	case "@sortpairs":
		return flag(&m.sortPairs)
	case "@scanall":
		return flag(&m.scanAll)
	case "@raw":
		return flag(&m.raw)
	case "@field":
		if val == "" {
			return fmt.Errorf("@field wants a field name")
		}
		m.field = val
	case "@wait":
		ms, err := strconv.Atoi(val)
		if err != nil || ms <= 0 || ms > 10000 {
			return fmt.Errorf("@wait wants milliseconds (1..10000), got %q", val)
		}
		m.wait = time.Duration(ms) * time.Millisecond
	case "@within":
		ms, err := strconv.Atoi(val)
		if err != nil || ms <= 0 || ms > 10000 {
			return fmt.Errorf("@within wants milliseconds (1..10000), got %q", val)
		}
		m.within = time.Duration(ms) * time.Millisecond
	case "@between":
		lo, hi, ok := strings.Cut(val, ",")
		a, err1 := strconv.ParseInt(lo, 10, 64)
		b, err2 := strconv.ParseInt(hi, 10, 64)
		if !ok || err1 != nil || err2 != nil || a > b {
			return fmt.Errorf("@between wants LO,HI, got %q", val)
		}
		m.between = &[2]int64{a, b}
	default:
		return fmt.Errorf("unknown modifier %q", word)
	}
	return nil
}

func (p *caseParser) expect74(word, text string) error {
	last, err := p.expectTarget(word)
	if err != nil {
		return err
	}
	if last.expect82 != nil {
		return fmt.Errorf("%s on a line with an @expect82", word)
	}
	if last.expect74 == nil {
		last.expect74 = map[int]Value{}
	}
	return addExpect(last.expect74, "@expect74", word, text)
}

// expect82 records an @expect82, @expect86 or @expect88 reply: what Redis version
// answers to a line the oracle cannot be asked (see README.md). It needs a
// plain line, and one version per line.
func (p *caseParser) expect82(word, text, version string) error {
	last, err := p.expectTarget(word)
	if err != nil {
		return err
	}
	if last.mode != ':' || last.mods.only74 || last.mods.push {
		return fmt.Errorf("%s works on plain (send and read) lines without @74only only", word)
	}
	if last.expect74 != nil {
		return fmt.Errorf("%s on a line with an @expect74", word)
	}
	if last.newer != "" && last.newer != version {
		return fmt.Errorf("%s on a line with an @expect%s", word, strings.ReplaceAll(last.newer, ".", ""))
	}
	if last.expect82 == nil {
		last.expect82 = map[int]Value{}
	}
	last.newer = version
	return addExpect(last.expect82, word[:len("@expect82")], word, text)
}

// expectTarget returns the line an @expect74 or @expect82 belongs to.
func (p *caseParser) expectTarget(word string) (*step, error) {
	tc := p.cur
	if len(tc.steps) == 0 {
		return nil, fmt.Errorf("%s before any command", word)
	}
	last := &tc.steps[len(tc.steps)-1]
	if last.kind != stepCommand || last.mode == '>' {
		return nil, fmt.Errorf("%s must follow a line that reads a reply", word)
	}
	if last.mods.ignore {
		return nil, fmt.Errorf("%s on an @ignore line", word)
	}
	return last, nil
}

// addExpect parses text into dst for the RESP versions word names (base,
// base+"/2" or base+"/3").
func addExpect(dst map[int]Value, base, word, text string) error {
	versions := []int{2, 3}
	switch word {
	case base + "/2":
		versions = []int{2}
	case base + "/3":
		versions = []int{3}
	}
	tmpl, raw, err := parseNotation(text)
	if err != nil {
		return fmt.Errorf("%s: %w", word, err)
	}
	for _, v := range versions {
		if _, dup := dst[v]; dup {
			return fmt.Errorf("two %s replies for RESP%d on one line", base, v)
		}
		if raw {
			dst[v] = tmpl
		} else {
			dst[v] = render(tmpl, v)
		}
	}
	return nil
}

// finish validates the case being parsed and adds it to the file.
func (p *caseParser) finish() error {
	tc := p.cur
	if tc == nil {
		return nil
	}
	p.cur = nil
	if len(tc.steps) == 0 {
		return fmt.Errorf("case %q has no commands", tc.name)
	}
	pending := map[byte]int{}
	for _, s := range tc.steps {
		switch {
		case s.kind == stepClose:
			pending[s.client] = 0
		case s.kind != stepCommand:
		case s.mode == '>':
			pending[s.client]++
		case s.mode == '<' && s.mods.push:
			// A reply of its own: nothing was sent for it.
		case s.mode == '<':
			if pending[s.client] == 0 {
				return fmt.Errorf("case %q line %d: %c< with nothing sent on %c", tc.name, s.line, s.client, s.client)
			}
			if s.mods.wait == 0 { // @wait only looks; the read is still to come
				pending[s.client]--
			}
		case pending[s.client] > 0:
			return fmt.Errorf("case %q line %d: %c still has replies to read (%c<) before a plain command", tc.name, s.line, s.client, s.client)
		}
		if s.mods.only74 {
			for _, v := range tc.resp {
				if _, ok := s.expect74[v]; !ok {
					return fmt.Errorf("case %q line %d: @74only without an @expect74 reply for RESP%d", tc.name, s.line, v)
				}
			}
		}
		if s.expect82 != nil {
			for _, v := range tc.resp {
				if _, ok := s.expect82[v]; !ok {
					return fmt.Errorf("case %q line %d: @expect%s without a reply for RESP%d", tc.name, s.line, strings.ReplaceAll(s.newer, ".", ""), v)
				}
			}
		}
	}
	for c, n := range pending {
		if n > 0 {
			return fmt.Errorf("case %q: %d reply(ies) of client %c never read (add %c< or @close %c)", tc.name, n, c, c, c)
		}
	}
	p.file.cases = append(p.file.cases, tc)
	return nil
}

// splitArgs splits a command line as redis-cli does: words separated by
// blanks; "double quotes" with \n \r \t \a \b \" \\ \xHH escapes; 'single
// quotes' taken literally except \'. "" is an empty argument.
func splitArgs(line string) ([]string, error) {
	var args []string
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			return args, nil
		}
		var cur strings.Builder
		switch line[i] {
		case '"':
			i++
			for {
				if i >= len(line) {
					return nil, fmt.Errorf("unterminated double quote in %q", line)
				}
				c := line[i]
				if c == '"' {
					i++
					break
				}
				if c == '\\' && i+1 < len(line) {
					i++
					switch e := line[i]; e {
					case 'n':
						cur.WriteByte('\n')
					case 'r':
						cur.WriteByte('\r')
					case 't':
						cur.WriteByte('\t')
					case 'a':
						cur.WriteByte('\a')
					case 'b':
						cur.WriteByte('\b')
					case 'x':
						if i+2 >= len(line) {
							return nil, fmt.Errorf("short \\x escape in %q", line)
						}
						b, err := strconv.ParseUint(line[i+1:i+3], 16, 8)
						if err != nil {
							return nil, fmt.Errorf("bad \\x escape in %q", line)
						}
						cur.WriteByte(byte(b))
						i += 2
					default:
						cur.WriteByte(e)
					}
					i++
					continue
				}
				cur.WriteByte(c)
				i++
			}
		case '\'':
			i++
			for {
				if i >= len(line) {
					return nil, fmt.Errorf("unterminated single quote in %q", line)
				}
				if line[i] == '\\' && i+1 < len(line) && line[i+1] == '\'' {
					cur.WriteByte('\'')
					i += 2
					continue
				}
				if line[i] == '\'' {
					i++
					break
				}
				cur.WriteByte(line[i])
				i++
			}
		default:
			for i < len(line) && line[i] != ' ' && line[i] != '\t' {
				cur.WriteByte(line[i])
				i++
			}
			args = append(args, cur.String())
			continue
		}
		if i < len(line) && line[i] != ' ' && line[i] != '\t' {
			return nil, fmt.Errorf("closing quote must be followed by a blank in %q", line)
		}
		args = append(args, cur.String())
	}
}
