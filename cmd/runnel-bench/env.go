package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/runnel-db/runnel/bench/report"
	"github.com/runnel-db/runnel/bench/wire"
)

// env is what every scenario gets: the common flags, a context that ends at
// --timeout, the progress display and the result being filled in.
type env struct {
	ctx      context.Context
	addr     string
	quiet    bool
	seed     uint64
	pid      int
	prog     *progress
	res      *report.Result
	stderr   io.Writer
	needAddr bool
}

// scenarioFunc runs a scenario. It registers its flags on fs and returns the
// function to run after parsing; that function fills e.res.Metrics and
// e.res.Params and returns an error when the run failed or a check did not
// hold (the metrics gathered so far are still reported).
type scenarioFunc func(fs *flag.FlagSet) (needAddr bool, run func(e *env) error)

// tagFlags are added by bench/compare.sh to tag a result line and are left
// out of the recorded command; so are flags naming local files or
// processes.
var tagFlags = map[string]bool{"label": true, "side": true, "pair": true, "round": true, "out": true, "pid": true, "quiet": true,
	"dir": true, "server-log": true}

type commonFlags struct {
	addr, label, side, pair, name, out string
	round                              int
	quiet                              bool
	timeout                            time.Duration
	seed                               uint64
	pid                                int
}

func (c *commonFlags) register(fs *flag.FlagSet, scenario string) {
	fs.StringVar(&c.addr, "addr", "127.0.0.1:6379", "server address (loopback only)")
	fs.StringVar(&c.label, "label", "", "name of the server in the result line, e.g. runnel or redis")
	fs.StringVar(&c.side, "side", "", "side of a comparison: A or B")
	fs.StringVar(&c.pair, "pair", "", "durability pair of a comparison: no, everysec or always")
	fs.IntVar(&c.round, "round", 0, "round number of a comparison")
	fs.StringVar(&c.name, "name", scenario, "name of this scenario instance in the report, e.g. xadd-c50-P16")
	fs.StringVar(&c.out, "out", "", "also append the JSON result line to this file")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress display on stderr")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Minute, "hard bound on the whole run")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the random positions")
	fs.IntVar(&c.pid, "pid", 0, "server process id, when INFO server does not report process_id")
}

// methodCommand renders the command line that reproduces this run: the
// flags set explicitly, without the tagging ones, with $ADDR for --addr.
func methodCommand(scenario string, fs *flag.FlagSet) string {
	parts := []string{"runnel-bench", scenario}
	fs.Visit(func(f *flag.Flag) {
		if tagFlags[f.Name] {
			return
		}
		v := f.Value.String()
		if f.Name == "addr" {
			v = "$ADDR"
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			if v == "true" {
				parts = append(parts, "--"+f.Name)
			} else {
				parts = append(parts, "--"+f.Name+"=false")
			}
			return
		}
		parts = append(parts, "--"+f.Name, shellQuote(v))
	})
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:$,=+@%", r))
	}) < 0 {
		return s
	}
	if strings.Contains(s, "'") && !strings.ContainsAny(s, "\"$`\\!") {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// scenarioMain turns a scenarioFunc into a subcommand.
func scenarioMain(scenario string, sf scenarioFunc) func(args []string, stdout, stderr io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		fs := flag.NewFlagSet(scenario, flag.ContinueOnError)
		fs.SetOutput(stderr)
		var c commonFlags
		c.register(fs, scenario)
		needAddr, runFn := sf(fs)
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() > 0 {
			fmt.Fprintf(stderr, "runnel-bench %s: unexpected arguments %q\n", scenario, fs.Args())
			return 2
		}
		if needAddr {
			if err := wire.CheckLoopback(c.addr); err != nil {
				fmt.Fprintf(stderr, "runnel-bench %s: %v\n", scenario, err)
				return 2
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
		defer cancel()
		res := &report.Result{
			Scenario: scenario, Name: c.name, Label: c.label, Side: c.side, Pair: c.pair, Round: c.round,
			Metrics: map[string]float64{}, Params: map[string]any{}, Command: methodCommand(scenario, fs),
			Start: time.Now().UTC(), Load1: loadAverage(),
		}
		fs.VisitAll(func(f *flag.Flag) {
			if !tagFlags[f.Name] && f.Name != "addr" && f.Name != "name" && f.Name != "timeout" {
				res.Params[f.Name] = f.Value.String()
			}
		})
		e := &env{ctx: ctx, addr: c.addr, quiet: c.quiet, seed: c.seed, pid: c.pid, res: res, stderr: stderr, needAddr: needAddr}
		e.prog = newProgress(stderr, c.name, c.quiet)
		var err error
		if needAddr {
			err = e.probeServer()
		}
		if err == nil {
			err = runFn(e)
		}
		e.prog.Close()
		if err == nil && ctx.Err() != nil {
			err = fmt.Errorf("timed out after %v", c.timeout)
		}
		res.Elapsed = time.Since(res.Start).Seconds()
		res.OK = err == nil
		if err != nil {
			res.Error = err.Error()
		}
		printTable(stdout, res)
		line := res.Line()
		stdout.Write(line)
		if c.out != "" {
			if werr := appendLine(c.out, line); werr != nil {
				fmt.Fprintf(stderr, "runnel-bench: %v\n", werr)
				return 1
			}
		}
		if !res.OK {
			fmt.Fprintf(stderr, "runnel-bench %s: FAILED: %s\n", c.name, res.Error)
			return 1
		}
		return 0
	}
}

// loadAverage returns the machine's 1-minute load average, or 0.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

func appendLine(path string, line []byte) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// dial connects to the server; the connection closes when the run's
// context ends, which unblocks any read on it.
func (e *env) dial() (*wire.Conn, error) {
	c, err := wire.Dial(e.addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	context.AfterFunc(e.ctx, func() { c.Close() })
	return c, nil
}

// probeServer checks the server answers PING and records its INFO server
// fields (a server without INFO is still benchmarked).
func (e *env) probeServer() error {
	c, err := e.dial()
	if err != nil {
		return fmt.Errorf("cannot connect to %s: %w", e.addr, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	var r wire.Reply
	if v, err := c.Do(&r, "PING"); err != nil || v.Str() != "PONG" {
		return fmt.Errorf("PING: got %v, %v", v, err)
	}
	info, err := serverInfo(c, "server")
	if err == nil {
		e.res.Server = map[string]string{}
		for _, k := range []string{"redis_version", "runnel_version", "process_id", "redis_mode"} {
			if v, ok := info[k]; ok {
				e.res.Server[k] = v
			}
		}
	}
	return nil
}

// serverInfo sends INFO section and parses its "key:value" lines.
func serverInfo(c *wire.Conn, section string) (map[string]string, error) {
	var r wire.Reply
	v, err := c.Do(&r, "INFO", section)
	if err != nil {
		return nil, err
	}
	return parseInfo(string(v.Bytes())), nil
}

func parseInfo(text string) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = v
		}
	}
	return m
}

// do sends one command on a fresh bounded exchange and returns an error for
// an error reply.
func do(c *wire.Conn, r *wire.Reply, args ...string) (wire.Value, error) {
	c.SetDeadline(time.Now().Add(time.Minute))
	defer c.SetDeadline(time.Time{})
	v, err := c.Do(r, args...)
	if err != nil {
		return v, fmt.Errorf("%s: %w", strings.Join(args, " "), err)
	}
	return v, nil
}

// printTable writes the human table of a result.
func printTable(w io.Writer, r *report.Result) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	status := "ok"
	if !r.OK {
		status = "FAILED: " + r.Error
	}
	label := r.Label
	if label == "" {
		label = "server"
	}
	fmt.Fprintf(bw, "%s (%s) against %s: %s, %.1fs\n", r.Name, r.Scenario, label, status, r.Elapsed)
	keys := make([]string, 0, len(r.Params))
	for k := range r.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ps []string
	for _, k := range keys {
		ps = append(ps, fmt.Sprintf("%s=%v", k, r.Params[k]))
	}
	if len(ps) > 0 {
		fmt.Fprintf(bw, "  params: %s\n", strings.Join(ps, " "))
	}
	mk := make([]string, 0, len(r.Metrics))
	width := 6
	for k := range r.Metrics {
		mk = append(mk, k)
		width = max(width, len(k))
	}
	sort.Strings(mk)
	fmt.Fprintf(bw, "  %-*s  %s\n", width, "metric", "value")
	for _, k := range mk {
		fmt.Fprintf(bw, "  %-*s  %s\n", width, k, report.FormatNumber(r.Metrics[k]))
	}
}
