package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/runnel-db/runnel/bench/report"
	"github.com/runnel-db/runnel/bench/wire"
)

// reportMain: runnel-bench report --in results.jsonl [--servers servers.tsv]
// [--out docs/BENCHMARKS.md] [--mode quick|full] [--rounds N] [--invocation TEXT]
func reportMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "file of result lines (comma-separated for several)")
	servers := fs.String("servers", "", "tab-separated lines: pair, side, label, server command")
	out := fs.String("out", "docs/BENCHMARKS.md", "document to update between its result markers ('-' for stdout)")
	mode := fs.String("mode", "", "comparison mode: quick or full")
	rounds := fs.Int("rounds", 0, "rounds per pair")
	invocation := fs.String("invocation", "bench/compare.sh", "the comparison command, as a reader would type it")
	var notes multiFlag
	fs.Var(&notes, "note", "a line for the report's header (repeatable)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *in == "" {
		fmt.Fprintln(stderr, "runnel-bench report: --in is required")
		return 2
	}
	var results []report.Result
	for _, path := range strings.Split(*in, ",") {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintf(stderr, "runnel-bench report: %v\n", err)
			return 1
		}
		rs, err := report.Read(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "runnel-bench report: %s: %v\n", path, err)
			return 1
		}
		results = append(results, rs...)
	}
	var cmds []report.ServerCmd
	if *servers != "" {
		var err error
		if cmds, err = readServers(*servers); err != nil {
			fmt.Fprintf(stderr, "runnel-bench report: %v\n", err)
			return 1
		}
	}
	section := report.Render(report.Input{
		Results: results, Machine: report.ProbeMachine(), Servers: cmds, Mode: *mode, Rounds: *rounds,
		Generated: time.Now(), Invocation: *invocation, Goals: report.Goals, Notes: notes,
	})
	if *out == "-" {
		stdout.Write(section)
		return 0
	}
	doc, err := os.ReadFile(*out)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "runnel-bench report: %v\n", err)
		return 1
	}
	if err := os.WriteFile(*out, report.Splice(doc, section), 0o644); err != nil {
		fmt.Fprintf(stderr, "runnel-bench report: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s (%d results)\n", *out, len(results))
	return 0
}

func readServers(path string) ([]report.ServerCmd, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []report.ServerCmd
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		p := strings.SplitN(sc.Text(), "\t", 4)
		if len(p) != 4 {
			return nil, fmt.Errorf("%s: want 4 tab-separated fields in %q", path, sc.Text())
		}
		out = append(out, report.ServerCmd{Pair: p[0], Side: p[1], Label: p[2], Command: p[3]})
	}
	return out, sc.Err()
}

// failMain prints (and with --out appends) a failed result line for a run
// that could not happen, e.g. because its server did not start.
func failMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fail", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenario := fs.String("scenario", "", "scenario (required)")
	var c commonFlags
	c.register(fs, "")
	msg := fs.String("error", "failed", "why it failed")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *scenario == "" {
		fmt.Fprintln(stderr, "runnel-bench fail: --scenario is required")
		return 2
	}
	if c.name == "" {
		c.name = *scenario
	}
	res := &report.Result{Scenario: *scenario, Name: c.name, Label: c.label, Side: c.side, Pair: c.pair, Round: c.round,
		OK: false, Error: *msg, Metrics: map[string]float64{}, Start: time.Now().UTC()}
	printTable(stdout, res)
	line := res.Line()
	stdout.Write(line)
	if c.out != "" {
		if err := appendLine(c.out, line); err != nil {
			fmt.Fprintf(stderr, "runnel-bench fail: %v\n", err)
			return 1
		}
	}
	return 0
}

// pingMain waits until --addr answers PING with PONG.
func pingMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ping", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:6379", "server address (loopback only)")
	timeout := fs.Duration("timeout", 10*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := wire.CheckLoopback(*addr); err != nil {
		fmt.Fprintf(stderr, "runnel-bench ping: %v\n", err)
		return 2
	}
	if _, err := waitPong(*addr, *timeout, nil); err != nil {
		fmt.Fprintf(stderr, "runnel-bench ping: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "PONG")
	return 0
}

// freeportMain prints a TCP port on 127.0.0.1 that was free a moment ago.
func freeportMain(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: runnel-bench freeport")
		return 2
	}
	p, err := freePort()
	if err != nil {
		fmt.Fprintf(stderr, "runnel-bench freeport: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, p)
	return 0
}

// multiFlag collects every value of a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, "; ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
