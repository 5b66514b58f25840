// Command runnel-bench generates load against a Redis-protocol streams
// server — runnel or redis-server alike — and reports what it measured.
//
//	runnel-bench SCENARIO --addr 127.0.0.1:PORT [flags]
//
// Scenarios: xadd, group, latency, claim, range, mem, recover (starts and
// stops the server itself with --server-cmd) and redisbench (wraps
// redis-benchmark). Each prints a human table and then one JSON result line
// on stdout (also appended to --out FILE); the exit status is 0 when the run
// succeeded and every check held, 1 when it did not, 2 on bad usage.
//
// Helper subcommands for bench/compare.sh: report (figures section of the
// benchmark document from result lines), fail (a failed result line for a
// run that could not start), ping (wait until a server answers PONG) and
// freeport (print a free loopback port); nullserver (a server that does no
// work, for bench/ceiling.sh).
//
// It only dials loopback addresses, and every loop is bounded in count and
// in time (--timeout).
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type subcommand struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var subcommands map[string]subcommand

func init() {
	subcommands = map[string]subcommand{
		"xadd":       {"XADD throughput and latency: --clients --pipeline --payload --streams --requests|--duration", scenarioMain("xadd", xaddScenario)},
		"group":      {"P producers XADD while C consumers XREADGROUP+XACK; delivered-and-acked msgs/s, checks exactly-once", scenarioMain("group", groupScenario)},
		"latency":    {"XADD-to-receipt latency of a blocked reader (XREADGROUP and XREAD) at a fixed --rate", scenarioMain("latency", latencyScenario)},
		"claim":      {"XPENDING, XCLAIM and XAUTOCLAIM rates with --pending entries pending", scenarioMain("claim", claimScenario)},
		"range":      {"XRANGE/XREVRANGE COUNT 10 and 100 at random positions in a stream of --entries", scenarioMain("range", rangeScenario)},
		"mem":        {"resident and used memory per entry after --entries entries of --payload bytes", scenarioMain("mem", memScenario)},
		"recover":    {"start-up time on a data directory of --entries entries (starts the server with --server-cmd)", scenarioMain("recover", recoverScenario)},
		"redisbench": {"redis-benchmark XADD s * f v against --addr, as a result line", scenarioMain("redisbench", redisbenchScenario)},
		"report":     {"write the figures section of the benchmark document from result lines", reportMain},
		"fail":       {"print a failed result line (for a run that could not start)", failMain},
		"ping":       {"wait until --addr answers PING with PONG", pingMain},
		"freeport":   {"print a free TCP port on 127.0.0.1", freeportMain},
		"nullserver": {"a RESP server that does no work (fixed replies): the ceiling the load tool and kernel allow", nullserverMain},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: runnel-bench SUBCOMMAND [flags]   (runnel-bench SUBCOMMAND --help for its flags)")
	names := make([]string, 0, len(subcommands))
	for n := range subcommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, subcommands[n].summary)
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name := args[0]
	rest := args[1:]
	if name == "--scenario" || strings.HasPrefix(name, "--scenario=") {
		// Also accept `--scenario NAME` in place of the subcommand.
		if v, ok := strings.CutPrefix(name, "--scenario="); ok {
			name = v
		} else if len(rest) > 0 {
			name, rest = rest[0], rest[1:]
		}
	}
	sc, ok := subcommands[name]
	if !ok {
		if name != "-h" && name != "--help" && name != "help" {
			fmt.Fprintf(stderr, "runnel-bench: unknown subcommand %q\n", name)
		}
		usage(stderr)
		return 2
	}
	return sc.run(rest, stdout, stderr)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
