package compat_test

import (
	"fmt"
	"strconv"
	"strings"
)

// pretty renders v the way redis-cli --no-raw prints a reply, one element
// per line, so a failing comparison reads like a terminal session.
func pretty(v Value) string {
	var b strings.Builder
	writePretty(&b, v, 0)
	return strings.TrimRight(b.String(), "\n")
}

func writePretty(b *strings.Builder, v Value, indent int) {
	if v.Attr != nil {
		b.WriteString("(attribute) ")
		writePretty(b, *v.Attr, indent+12)
		b.WriteString(strings.Repeat(" ", indent))
	}
	switch v.Kind {
	case kSimple:
		b.WriteString(v.Str)
	case kError:
		b.WriteString("(error) " + v.Str)
	case kBlobErr:
		b.WriteString("(error) " + quote(v.Str))
	case kInt:
		b.WriteString("(integer) " + v.Str)
	case kBulk:
		b.WriteString(quote(v.Str))
	case kVerbatim:
		b.WriteString("(verbatim) " + quote(v.Str))
	case kDouble:
		b.WriteString("(double) " + v.Str)
	case kBigNum:
		b.WriteString("(big number) " + v.Str)
	case kBool:
		if v.Str == "t" {
			b.WriteString("(true)")
		} else {
			b.WriteString("(false)")
		}
	case kNull:
		b.WriteString("(nil) [RESP3 null]")
	case kNilBulk:
		b.WriteString("(nil) [null bulk]")
	case kNilArray:
		b.WriteString("(nil) [null array]")
	case kClosed:
		b.WriteString("(connection closed by the server)")
	case kNoReply:
		b.WriteString("(no reply yet)")
	case kArray, kSet, kPush, kMap, kAttr:
		writeAggregate(b, v, indent)
		return
	default:
		fmt.Fprintf(b, "(unknown kind %q) %q", v.Kind, v.Str)
	}
	b.WriteByte('\n')
}

func writeAggregate(b *strings.Builder, v Value, indent int) {
	n := len(v.Elems)
	pairs := v.Kind == kMap || v.Kind == kAttr
	if pairs {
		n /= 2
	}
	if n == 0 {
		switch v.Kind {
		case kMap:
			b.WriteString("(empty hash)\n")
		case kSet:
			b.WriteString("(empty set)\n")
		case kPush:
			b.WriteString("(empty push)\n")
		default:
			b.WriteString("(empty array)\n")
		}
		return
	}
	sep := map[byte]string{kArray: ")", kSet: "~", kPush: ">", kMap: "#", kAttr: "|"}[v.Kind]
	width := len(strconv.Itoa(n))
	for i := range n {
		if i > 0 {
			b.WriteString(strings.Repeat(" ", indent))
		}
		label := fmt.Sprintf("%*d%s ", width, i+1, sep)
		b.WriteString(label)
		inner := indent + len(label)
		if pairs {
			k := strings.TrimRight(pretty(v.Elems[2*i]), "\n")
			b.WriteString(k + " => ")
			writePretty(b, v.Elems[2*i+1], inner+len(k)+4)
		} else {
			writePretty(b, v.Elems[i], inner)
		}
	}
}

// quote writes s as redis-cli does: in double quotes, with C-style escapes
// for quotes, backslashes and unprintable bytes.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		default:
			if c < 0x20 || c >= 0x7f {
				fmt.Fprintf(&b, `\x%02x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// indentLines prefixes every line of s with pad.
func indentLines(s, pad string) string {
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}
