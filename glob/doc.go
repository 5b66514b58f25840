// Package glob matches byte strings against Redis's glob patterns, as
// Redis's stringmatchlen does: the one matcher behind KEYS, SCAN MATCH,
// CONFIG GET, COMMAND LIST FILTERBY PATTERN and the channel patterns of
// PSUBSCRIBE. It has no state and is safe for concurrent use.
package glob
