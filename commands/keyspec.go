package commands

import "slices"

// KeySpec is one of a command's key specifications, as COMMAND INFO shows
// them: where the search for keys begins (an argument index, or the
// argument after a keyword) and how keys are found from there (a range, or
// a count argument).
type KeySpec struct {
	// Flags are the spec's key flags ("RW", "access", "update", ...).
	Flags []string
	// Notes is an optional remark shown before the flags.
	Notes string
	// Index begins the search at this argument when Keyword is empty.
	Index int
	// Keyword begins the search after this argument, looked for from
	// argument StartFrom (counting from the end when negative).
	Keyword   string
	StartFrom int
	// KeyNum finds keys by a count argument at KeyNumIdx (relative to the
	// begin position), the first key at FirstKey, one every KeyStep.
	KeyNum              bool
	KeyNumIdx, FirstKey int
	// LastKey, KeyStep and Limit describe a range: LastKey is relative to
	// the begin position, or counts from the end when negative; with Limit
	// > 0 and a negative LastKey, only 1/Limit of the rest are keys.
	LastKey, KeyStep, Limit int
}

// ArgDoc documents one argument for COMMAND DOCS.
type ArgDoc struct {
	Name, Type, Token string
	// DisplayText is the argument's "display_text" when it differs from
	// Name (XGROUP CREATE's entriesread shows as entries-read).
	DisplayText string
	// Since is the version that added the argument, when later than the
	// command's ("since" in the argument's map).
	Since string
	// KeySpecIndex links a "key" argument to its key spec.
	KeySpecIndex int
	Optional     bool
	Multiple     bool
	// Sub are the members of a "oneof" or "block" argument.
	Sub []ArgDoc
}

// rangeSpec is the common key spec: keys from argument index through
// lastKey (relative to index; -1 is the last argument).
func rangeSpec(index, lastKey int, flags ...string) KeySpec {
	return KeySpec{Flags: flags, Index: index, LastKey: lastKey, KeyStep: 1}
}

// specs returns the command's key specs, deriving one from the legacy
// first/last/step triple when the table gives none.
func (c *Command) specs() []KeySpec {
	if c.KeySpecs != nil || c.FirstKey <= 0 {
		return c.KeySpecs
	}
	flags := []string{"RO", "access"}
	if c.Flags&Write != 0 {
		flags = []string{"RW", "update"}
	}
	last := c.LastKey
	if last >= 0 {
		last -= c.FirstKey
	}
	step := c.Step
	if step <= 0 {
		step = 1
	}
	return []KeySpec{{Flags: flags, Index: c.FirstKey, LastKey: last, KeyStep: step}}
}

// movableKeys reports whether the key positions depend on the arguments
// (COMMAND INFO's "movablekeys" flag).
func (c *Command) movableKeys() bool {
	for _, ks := range c.specs() {
		if ks.Keyword != "" || ks.KeyNum || (ks.LastKey < 0 && ks.Limit > 1) {
			return true
		}
	}
	return false
}

// legacyRange returns COMMAND INFO's first key, last key and step. A
// command whose keys move keeps the range of its index spec, if it has one
// (MIGRATE's key argument), as Redis derives the range from such specs.
func (c *Command) legacyRange() (first, last, step int) {
	if c.movableKeys() && c.FirstKey == 0 {
		return 0, 0, 0
	}
	return c.FirstKey, c.LastKey, c.Step
}

// keyRef is one key found in a command's arguments.
type keyRef struct {
	pos   int
	flags []string
}

// getKeys returns the key positions of args (args[0] is the command name)
// by following the key specs, as COMMAND GETKEYS does. ok is false when
// the arguments do not fit a spec, as for Redis: its keyword is missing,
// or the keys it finds would begin or end past the last argument, or end
// before they begin (XREAD ... STREAMS with fewer than two arguments after
// it).
func (c *Command) getKeys(args [][]byte) (refs []keyRef, ok bool) {
	if pos, ok := c.incompleteKeys(args); ok {
		for _, p := range pos {
			refs = append(refs, keyRef{p, c.KeySpecs[0].Flags})
		}
		return refs, len(pos) > 0
	}
	argc := len(args)
	for _, ks := range c.specs() {
		first := 0
		if ks.Keyword == "" {
			first = ks.Index
		} else {
			found := ks.keywordAt(args)
			if found < 0 && ks.incomplete() {
				continue
			}
			if found < 0 {
				return nil, false
			}
			first = found + 1
		}
		if first >= argc {
			return nil, false
		}
		var last, step int
		if ks.KeyNum {
			nidx := first + ks.KeyNumIdx
			if nidx >= argc {
				return nil, false
			}
			n, isNum := ParseInt(args[nidx])
			if !isNum || n < 0 {
				return nil, false
			}
			step = max(ks.KeyStep, 1)
			first += ks.FirstKey
			last = first + int(n-1)*step
		} else {
			step = max(ks.KeyStep, 1)
			switch {
			case ks.LastKey >= 0:
				last = first + ks.LastKey
			case ks.Limit <= 1:
				last = argc + ks.LastKey
			default:
				last = first + (argc-first)/ks.Limit + ks.LastKey
			}
		}
		if last >= argc || last < first {
			return nil, false
		}
		for i := first; i <= last; i += step {
			refs = append(refs, keyRef{i, ks.Flags})
		}
	}
	return refs, true
}

// incompleteKeys finds the keys with the command's Keys function when the
// specs cannot be trusted for args, as Redis falls back on a command's
// own key finder: a spec flagged "incomplete" found its keyword (MIGRATE
// ... KEYS). The keys get the first spec's flags. An incomplete spec whose
// keyword is missing finds no keys, and the other specs are followed.
func (c *Command) incompleteKeys(args [][]byte) ([]int, bool) {
	if c.Keys == nil {
		return nil, false
	}
	for _, ks := range c.KeySpecs {
		if ks.incomplete() && ks.keywordAt(args) >= 0 {
			return c.Keys(args), true
		}
	}
	return nil, false
}

func (ks KeySpec) incomplete() bool {
	return ks.Keyword != "" && slices.Contains(ks.Flags, "incomplete")
}

// keywordAt returns the position of the spec's keyword in args, searched
// from StartFrom (backwards when it counts from the end), or -1.
func (ks KeySpec) keywordAt(args [][]byte) int {
	if ks.StartFrom >= 0 {
		for i := ks.StartFrom; i < len(args); i++ {
			if EqualFold(args[i], ks.Keyword) {
				return i
			}
		}
		return -1
	}
	for i := len(args) + ks.StartFrom; i > 0; i-- {
		if EqualFold(args[i], ks.Keyword) {
			return i
		}
	}
	return -1
}
