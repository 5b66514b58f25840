package commands

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ConfigError describes a bad line of a configuration file.
type ConfigError struct {
	File string
	Line int
	Text string
	Msg  string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("config file %s, line %d: '%s': %s", e.File, e.Line, e.Text, e.Msg)
}

// multiArgParams take their value from several words on a config-file
// line, joined by spaces, as Redis's multi-argument parameters do.
var multiArgParams = map[string]bool{"save": true, "bind": true, "latency-tracking-info-percentiles": true,
	"client-output-buffer-limit": true, "oom-score-adj-values": true}

// LoadConfigFile applies a redis.conf-style file through SetConfig: one
// "name value" directive a line, '#' comments and blank lines skipped,
// values quoted as Redis's sdssplitargs quotes them ("..." with \n, \t,
// \xHH escapes, or '...'). An unknown directive or a bad value stops the
// load with a *ConfigError naming the line.
func (s *Server) LoadConfigFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := s.loadConfig(path, f, &configLoad{}); err != nil {
		return err
	}
	// As Redis, INFO's config_file and CONFIG REWRITE use the absolute
	// path: the file stays the same whatever the working directory.
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	s.SetConfigFile(path)
	return nil
}

// configLoad is the state of one configuration load, shared by the file
// and the files it includes.
type configLoad struct {
	savePoints string // the save points read so far
	depth      int    // how many includes deep the file being read is
}

// maxIncludeDepth bounds nested include directives: a file that includes
// itself fails instead of recursing for ever.
const maxIncludeDepth = 16

func (s *Server) loadConfig(name string, r io.Reader, ld *configLoad) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		bad := func(msg string) error { return &ConfigError{File: name, Line: line, Text: text, Msg: msg} }
		words, ok := splitArgs(text)
		if !ok {
			return bad("Unbalanced quotes in configuration line")
		}
		if len(words) == 0 {
			continue
		}
		key := strings.ToLower(words[0])
		switch {
		case key == "include" && len(words) == 2:
			if err := s.includeConfig(words[1], ld); err != nil {
				var ce *ConfigError
				if errors.As(err, &ce) {
					return err
				}
				return bad(err.Error())
			}
			continue
		case key == "rename-command" && len(words) == 3:
			if err := s.renameCommand(words[1], words[2]); err != nil {
				return bad(err.(*ParamError).Msg)
			}
			continue
		}
		p := lookupParam(key)
		if p == nil {
			return bad("Bad directive or wrong number of arguments")
		}
		var value string
		switch {
		case len(words) == 2:
			value = words[1]
		case multiArgParams[p.name] && len(words) > 2:
			value = strings.Join(words[1:], " ")
		case multiArgParams[p.name] && len(words) == 1:
			value = ""
		default:
			return bad("Bad directive or wrong number of arguments")
		}
		if p.name == "save" {
			// As Redis reads a file, each save line adds its points to
			// those of the lines before it (redis.conf has three); an
			// empty one clears them. CONFIG SET save replaces.
			if ld.savePoints != "" && value != "" {
				value = ld.savePoints + " " + value
			}
			ld.savePoints = value
		}
		if err := s.SetConfig(p.name, value); err != nil {
			var pe *ParamError
			if errors.As(err, &pe) {
				return bad(pe.Msg)
			}
			return bad(err.Error())
		}
	}
	return sc.Err()
}

// includeConfig reads the files of an include directive where it stands,
// as Redis does: a path with a glob character (*, ? or [) includes every
// file it matches, in name order, and none when nothing matches; any other
// path must be a file that opens (a directory includes nothing, a bad
// pattern matches nothing: Redis starts on both). Relative paths are taken
// from the working directory, as Redis opens them.
func (s *Server) includeConfig(path string, ld *configLoad) error {
	if ld.depth >= maxIncludeDepth {
		return fmt.Errorf("include nested more than %d deep", maxIncludeDepth)
	}
	files := []string{path}
	if strings.ContainsAny(path, "*?[") {
		// A malformed pattern matches nothing, as glob(3) fails for
		// Redis, which then includes nothing.
		m, _ := filepath.Glob(path)
		files = m // filepath.Glob sorts, as glob(3) does
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("can't open config file '%s': %v", name, err)
		}
		if st, err := f.Stat(); err == nil && st.IsDir() {
			// Redis opens a directory and reads nothing from it.
			f.Close()
			continue
		}
		ld.depth++
		err = s.loadConfig(name, f, ld)
		ld.depth--
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// splitArgs splits a line into words as Redis's sdssplitargs does. It
// reports false for unbalanced quotes or a closing quote not followed by
// a space.
func splitArgs(line string) ([]string, bool) {
	var out []string
	i := 0
	for {
		for i < len(line) && isSpaceByte(line[i]) {
			i++
		}
		if i >= len(line) {
			return out, true
		}
		var cur []byte
		inq, insq := false, false
		for done := false; !done; {
			if inq {
				if i >= len(line) {
					return nil, false
				}
				switch {
				case line[i] == '\\' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
					cur = append(cur, hexVal(line[i+2])<<4|hexVal(line[i+3]))
					i += 3
				case line[i] == '\\' && i+1 < len(line):
					i++
					switch line[i] {
					case 'n':
						cur = append(cur, '\n')
					case 'r':
						cur = append(cur, '\r')
					case 't':
						cur = append(cur, '\t')
					case 'b':
						cur = append(cur, '\b')
					case 'a':
						cur = append(cur, '\a')
					default:
						cur = append(cur, line[i])
					}
				case line[i] == '"':
					if i+1 < len(line) && !isSpaceByte(line[i+1]) {
						return nil, false
					}
					done = true
				default:
					cur = append(cur, line[i])
				}
			} else if insq {
				if i >= len(line) {
					return nil, false
				}
				switch {
				case line[i] == '\\' && i+1 < len(line) && line[i+1] == '\'':
					i++
					cur = append(cur, '\'')
				case line[i] == '\'':
					if i+1 < len(line) && !isSpaceByte(line[i+1]) {
						return nil, false
					}
					done = true
				default:
					cur = append(cur, line[i])
				}
			} else {
				if i >= len(line) {
					break
				}
				switch line[i] {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					cur = append(cur, line[i])
				}
			}
			if i < len(line) {
				i++
			}
			if i >= len(line) && !inq && !insq {
				done = true
			}
		}
		out = append(out, string(cur))
	}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
