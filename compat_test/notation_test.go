package compat_test

import (
	"bufio"
	"fmt"
	"strings"
)

// The reply notation of @expect74 (see README.md):
//
//	+OK  +"two words"      simple string
//	-"ERR some text"       error (quotes needed once there is a space)
//	:12  :<idle>           integer, or an integer placeholder of a normalisation
//	,1.5                   double (a bulk string in RESP2)
//	#t  #f                 boolean (an integer in RESP2)
//	"text"  word           bulk string; a bare word is any run without blanks,
//	                       brackets or quotes that does not start with + - : , #
//	nil                    null bulk string: $-1 in RESP2, _ in RESP3
//	nil*                   null array: *-1 in RESP2, _ in RESP3
//	[ a b ]                array
//	{ k v k v }            map: a flat array in RESP2, % in RESP3
//	~[ a b ]               set: an array in RESP2, ~ in RESP3
//	>[ a b ]               push: an array in RESP2, > in RESP3
//	raw "..."              the exact bytes, Go-style escapes (\r\n); alone
//
// A reply may span several lines while a bracket is open.

// openBrackets counts brackets left open in text, ignoring quoted strings.
func openBrackets(text string) int {
	depth := 0
	inQuote := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		}
	}
	return depth
}

type notationLexer struct {
	toks []string
	pos  int
}

func lexNotation(text string) ([]string, error) {
	var toks []string
	i := 0
	for i < len(text) {
		c := text[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '[' || c == ']' || c == '{' || c == '}':
			toks = append(toks, string(c))
			i++
		case (c == '~' || c == '>') && i+1 < len(text) && text[i+1] == '[':
			toks = append(toks, text[i:i+2])
			i += 2
		default:
			// A token runs to the next blank or bracket, except inside
			// double quotes.
			start := i
			inQuote := false
			for i < len(text) {
				c := text[i]
				if inQuote {
					if c == '\\' {
						i += 2
						continue
					}
					if c == '"' {
						inQuote = false
					}
					i++
					continue
				}
				if c == '"' {
					inQuote = true
					i++
					continue
				}
				if c == ' ' || c == '\t' || c == '[' || c == ']' || c == '{' || c == '}' {
					break
				}
				i++
			}
			if inQuote {
				return nil, fmt.Errorf("unterminated quote in %q", text[start:])
			}
			toks = append(toks, text[start:i])
		}
	}
	return toks, nil
}

// parseNotation parses one reply. raw reports a "raw" reply, which must be
// used as it is rather than rendered for a protocol version.
func parseNotation(text string) (v Value, raw bool, err error) {
	toks, err := lexNotation(text)
	if err != nil {
		return Value{}, false, err
	}
	if len(toks) == 2 && toks[0] == "raw" {
		s, err := unquoteWord(toks[1])
		if err != nil {
			return Value{}, false, err
		}
		r := bufio.NewReader(strings.NewReader(s))
		v, err := readValue(r, nil)
		if err != nil {
			return Value{}, false, fmt.Errorf("raw reply: %w", err)
		}
		if r.Buffered() > 0 {
			return Value{}, false, fmt.Errorf("raw reply has bytes after the first reply")
		}
		return v, true, nil
	}
	lx := &notationLexer{toks: toks}
	v, err = lx.value()
	if err != nil {
		return Value{}, false, err
	}
	if lx.pos != len(toks) {
		return Value{}, false, fmt.Errorf("unexpected %q after the reply", toks[lx.pos])
	}
	return v, false, nil
}

func (lx *notationLexer) value() (Value, error) {
	if lx.pos >= len(lx.toks) {
		return Value{}, fmt.Errorf("reply missing")
	}
	t := lx.toks[lx.pos]
	lx.pos++
	switch t {
	case "[", "{", "~[", ">[":
		kind, end := byte(kArray), "]"
		switch t {
		case "{":
			kind, end = kMap, "}"
		case "~[":
			kind = kSet
		case ">[":
			kind = kPush
		}
		v := Value{Kind: kind, Elems: []Value{}}
		for {
			if lx.pos >= len(lx.toks) {
				return Value{}, fmt.Errorf("missing %q", end)
			}
			if lx.toks[lx.pos] == end {
				lx.pos++
				break
			}
			e, err := lx.value()
			if err != nil {
				return Value{}, err
			}
			v.Elems = append(v.Elems, e)
		}
		if kind == kMap && len(v.Elems)%2 != 0 {
			return Value{}, fmt.Errorf("map with an odd number of elements")
		}
		return v, nil
	case "]", "}":
		return Value{}, fmt.Errorf("unexpected %q", t)
	case "nil":
		return Value{Kind: kNilBulk}, nil
	case "nil*":
		return Value{Kind: kNilArray}, nil
	case "#t", "#f":
		return Value{Kind: kBool, Str: t[1:]}, nil
	case "raw":
		return Value{}, fmt.Errorf("raw must be the whole reply")
	}
	switch t[0] {
	case '+', '-', ':', ',':
		s, err := unquoteWord(t[1:])
		if err != nil {
			return Value{}, err
		}
		if s == "" {
			return Value{}, fmt.Errorf("%q wants a value", t)
		}
		return Value{Kind: t[0], Str: s}, nil
	case '#':
		return Value{}, fmt.Errorf("bad boolean %q", t)
	}
	s, err := unquoteWord(t)
	if err != nil {
		return Value{}, err
	}
	return bulk(s), nil
}

// unquoteWord returns w without quotes and with escapes applied, or w as
// it is when it is not quoted.
func unquoteWord(w string) (string, error) {
	if !strings.HasPrefix(w, `"`) {
		if strings.Contains(w, `"`) {
			return "", fmt.Errorf("stray quote in %q", w)
		}
		return w, nil
	}
	args, err := splitArgs(w)
	if err != nil {
		return "", err
	}
	if len(args) != 1 {
		return "", fmt.Errorf("bad quoted string %s", w)
	}
	return args[0], nil
}

// render turns a notation value into the reply of protocol version resp.
func render(v Value, resp int) Value {
	out := Value{Kind: v.Kind, Str: v.Str}
	if v.Elems != nil {
		out.Elems = make([]Value, len(v.Elems))
		for i, e := range v.Elems {
			out.Elems[i] = render(e, resp)
		}
	}
	if resp == 3 {
		if v.Kind == kNilBulk || v.Kind == kNilArray {
			out.Kind = kNull
		}
		return out
	}
	switch v.Kind {
	case kMap, kSet, kPush:
		out.Kind = kArray
	case kDouble:
		out.Kind = kBulk
	case kBool:
		out.Kind = kInt
		out.Str = map[string]string{"t": "1", "f": "0"}[v.Str]
	}
	return out
}

// toNotation writes v in the @expect74 notation, on one line, so a case
// author can start an @expect74 from the oracle's reply (COMPAT_VERBOSE=1
// prints it). RESP3 nulls come out as nil; use nil* where an array null is
// meant.
func toNotation(v Value) string {
	var b strings.Builder
	writeNotation(&b, v)
	return b.String()
}

func writeNotation(b *strings.Builder, v Value) {
	word := func(s string) string {
		if s == "" || strings.ContainsAny(s, " \t\"[]{}\\'") || strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r >= 0x7f }) >= 0 ||
			strings.ContainsRune("+-:,#~", rune(s[0])) || s == "nil" || s == "nil*" || s == "raw" {
			return quote(s)
		}
		return s
	}
	switch v.Kind {
	case kSimple:
		b.WriteString("+" + word(v.Str))
	case kError:
		b.WriteString("-" + quote(v.Str))
	case kInt:
		b.WriteString(":" + v.Str)
	case kDouble:
		b.WriteString("," + v.Str)
	case kBool:
		b.WriteString("#" + v.Str)
	case kBulk, kVerbatim, kBigNum, kBlobErr:
		b.WriteString(word(v.Str))
	case kNilBulk, kNull:
		b.WriteString("nil")
	case kNilArray:
		b.WriteString("nil*")
	case kArray, kPush, kSet, kMap, kAttr:
		open, end := "[", "]"
		if v.Kind == kMap || v.Kind == kAttr {
			open, end = "{", "}"
		} else if v.Kind == kSet {
			open = "~["
		} else if v.Kind == kPush {
			open = ">["
		}
		b.WriteString(open)
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeNotation(b, e)
		}
		b.WriteString(end)
	default:
		b.WriteString(quote(string(v.bytes())))
	}
}
