package main

import (
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// The flag package names flags with one dash in its messages and in
// PrintDefaults; runnel's documentation and its own messages use two. The
// functions here give the flag package's text with two dashes.

// printUsage writes --help's text: every flag with two dashes, its kind of
// value, what it does and its default.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: runnel [flags]\n\nrunnel is a Redis-protocol streams server. Flags override the --config file,\nwhich takes redis.conf-style \"name value\" lines of the parameters CONFIG GET lists.\n\nFlags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if kind != "" {
			line += " " + kind
		}
		fmt.Fprintf(w, "%s\n    \t%s", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
		if def := defaultText(f); def != "" {
			fmt.Fprintf(w, " (default %s)", def)
		}
		fmt.Fprintln(w)
	})
}

// defaultText is f's default as --help shows it, or "" for a zero value
// (an empty string, false, 0), which goes unsaid as in PrintDefaults.
func defaultText(f *flag.Flag) string {
	switch f.DefValue {
	case "", "false", "0":
		return ""
	}
	if _, isString := f.Value.(flag.Getter).Get().(string); isString {
		return strconv.Quote(f.DefValue)
	}
	return f.DefValue
}

var (
	reBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value (".*") for (?:flag )?-([^:]+): (.*)$`)
	reUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	reNoArg     = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
)

// parseErrorText rewrites an error of fs.Parse with two-dash flag names,
// and says what an integer or boolean flag wanted instead of "parse
// error".
func parseErrorText(err error, fs *flag.FlagSet) string {
	msg := err.Error()
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		why := m[3]
		if f := fs.Lookup(m[2]); f != nil && why == "parse error" {
			switch f.Value.(flag.Getter).Get().(type) {
			case bool:
				why = "must be true or false"
			case int:
				why = "not an integer"
			}
		}
		return fmt.Sprintf("invalid value %s for flag --%s: %s", m[1], m[2], why)
	}
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		return "flag provided but not defined: --" + m[1]
	}
	if m := reNoArg.FindStringSubmatch(msg); m != nil {
		return "flag needs an argument: --" + m[1]
	}
	return msg
}
