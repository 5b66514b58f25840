package commands

import (
	"sort"
	"strings"
)

// The rename-command directive of a configuration file, as Redis reads it:
// "rename-command name new-name" serves the command under new-name only,
// "rename-command name \"\"" removes it. Operators use it to hide dangerous
// commands (FLUSHALL, CONFIG, DEBUG) from clients that share a server.
//
// A renamed command keeps its own name wherever Redis shows the command's
// name rather than the word a client types: COMMAND INFO new-name and
// COMMAND DOCS new-name describe it under its name, COMMAND LIST lists that
// name, ACL rules and INFO commandstats go on using it. A removed command
// is gone from COMMAND, COMMAND COUNT and COMMAND LIST.

// commandTable returns the names clients call commands by: the package's
// table unless rename-command changed it.
func (s *Server) commandTable() map[string]*Command {
	if s.renamed != nil {
		return s.renamed
	}
	return table
}

// renameCommand applies one rename-command directive; to == "" removes
// the command. It must run before the server serves clients (the table is
// read without a lock). The errors are Redis's texts.
func (s *Server) renameCommand(from, to string) error {
	if s.renamed == nil {
		s.renamed = make(map[string]*Command, len(table))
		for name, cmd := range table {
			s.renamed[name] = cmd
		}
	}
	from, to = strings.ToLower(from), strings.ToLower(to)
	cmd := s.renamed[from]
	if cmd == nil {
		return &ParamError{Msg: "No such command in rename-command"}
	}
	delete(s.renamed, from)
	if to == "" {
		return nil
	}
	if s.renamed[to] != nil {
		return &ParamError{Msg: "Target command name already exists"}
	}
	s.renamed[to] = cmd
	return nil
}

// lookupServed returns the command clients reach with name (any case),
// or nil: renamed and removed commands are found only under their new
// names. A full name "container|sub" finds a subcommand of the container
// as it is served.
func (s *Server) lookupServed(name string) *Command {
	name = strings.ToLower(name)
	t := s.commandTable()
	if i := strings.IndexByte(name, '|'); i >= 0 {
		parent := t[name[:i]]
		if parent == nil || parent.Sub == nil {
			return nil
		}
		return parent.Sub[name[i+1:]]
	}
	return t[name]
}

// servedCommands returns the commands the server serves, sorted by their
// own names.
func (s *Server) servedCommands() []*Command { return sortedByName(s.commandTable()) }

// sortedByName returns the commands of t sorted by their own names.
func sortedByName(t map[string]*Command) []*Command {
	list := make([]*Command, 0, len(t))
	for _, c := range t {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list
}
