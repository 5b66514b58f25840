package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/runnel-db/runnel/commands"
)

// fakeFDs is an fdSystem with a settable limit: setSoft succeeds up to
// maxSettable (the hard limit when 0), as an unprivileged process may raise
// its soft limit only up to the hard one.
type fakeFDs struct {
	soft, hard  uint64
	maxSettable uint64
	inUse       int
	limitErr    error
	sets        []uint64 // the soft limits setSoft was asked for
}

func (f *fakeFDs) limit() (uint64, uint64, error) { return f.soft, f.hard, f.limitErr }
func (f *fakeFDs) open() int                      { return f.inUse }
func (f *fakeFDs) setSoft(soft, hard uint64) error {
	f.sets = append(f.sets, soft)
	top := f.maxSettable
	if top == 0 {
		top = f.hard
	}
	if soft > top || hard != f.hard {
		return errors.New("operation not permitted")
	}
	f.soft = soft
	return nil
}

func TestFitClientsToFDs(t *testing.T) {
	for _, tc := range []struct {
		name       string
		maxclients string // "" leaves the default, 10000
		fds        fakeFDs
		wantSets   []uint64
		wantSoft   uint64
		wantMax    string   // maxclients afterwards
		wantWarn   []string // a fragment of each warning, in order
		wantErr    string
	}{
		{name: "ulimit -n 64, as in the tester's run",
			fds:      fakeFDs{soft: 64, hard: 64, inUse: 19},
			wantSoft: 64, wantMax: "13",
			wantWarn: []string{"maxclients 10000 needs 10051 file descriptors (19 open now, 32 kept for the files runnel opens later), but the limit (ulimit -n) is 64, hard limit 64: maxclients reduced to 13"}},
		{name: "room enough: nothing changes",
			fds:      fakeFDs{soft: 1 << 20, hard: 1 << 20, inUse: 19},
			wantSoft: 1 << 20, wantMax: "10000"},
		{name: "soft limit low, hard high: raised to the hard limit",
			fds:      fakeFDs{soft: 1024, hard: 1 << 20, inUse: 19},
			wantSets: []uint64{1 << 20}, wantSoft: 1 << 20, wantMax: "10000"},
		{name: "the hard limit cannot be reached: raised to what maxclients needs",
			fds:      fakeFDs{soft: 1024, hard: 1 << 20, maxSettable: 20000, inUse: 19},
			wantSets: []uint64{1 << 20, 10051}, wantSoft: 10051, wantMax: "10000"},
		{name: "hard limit below the need: raised to it, maxclients lowered",
			fds:      fakeFDs{soft: 256, hard: 4096, inUse: 100},
			wantSets: []uint64{4096}, wantSoft: 4096, wantMax: "3964",
			wantWarn: []string{"the limit (ulimit -n) is 4096, hard limit 4096: maxclients reduced to 3964"}},
		{name: "the raise fails: warned, maxclients fits the old limit",
			fds:      fakeFDs{soft: 256, hard: 4096, maxSettable: 1, inUse: 24},
			wantSets: []uint64{4096}, wantSoft: 256, wantMax: "200",
			wantWarn: []string{"cannot raise the file descriptor limit from 256 toward 4096: operation not permitted",
				"the limit (ulimit -n) is 256, hard limit 4096: maxclients reduced to 200"}},
		{name: "a configured maxclients that fits is kept",
			maxclients: "20", fds: fakeFDs{soft: 64, hard: 64, inUse: 11},
			wantSoft: 64, wantMax: "20"},
		{name: "a configured maxclients that does not fit is lowered",
			maxclients: "100", fds: fakeFDs{soft: 64, hard: 64, inUse: 11},
			wantSoft: 64, wantMax: "21", wantWarn: []string{"maxclients 100 needs 143 file descriptors"}},
		{name: "the open count unknown: only the reserve is kept",
			fds:      fakeFDs{soft: 64, hard: 64, inUse: -1},
			wantSoft: 64, wantMax: "32", wantWarn: []string{"(0 open now, 32 kept"}},
		{name: "no room for one client: refused",
			fds:      fakeFDs{soft: 40, hard: 40, inUse: 8},
			wantSoft: 40, wantMax: "10000",
			wantErr: "the file descriptor limit (ulimit -n) of 40 is not enough to start: runnel keeps 40 descriptors for its own files (8 open now, 32 for the files it opens later) and needs one more per client; raise it to at least 41"},
		{name: "the limit unreadable: warned, nothing changes",
			fds:     fakeFDs{limitErr: errors.New("no such call")},
			wantMax: "10000", wantWarn: []string{"cannot read the file descriptor limit (no such call): maxclients 10000 is not checked against it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := commands.New(commands.Options{Logf: func(string, ...any) {}})
			if tc.maxclients != "" {
				if err := srv.SetConfig("maxclients", tc.maxclients); err != nil {
					t.Fatal(err)
				}
			}
			fds := tc.fds
			var warnings []string
			err := fitClientsToFDs(srv, &fds, func(format string, args ...any) {
				warnings = append(warnings, fmt.Sprintf(format, args...))
			})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if fmt.Sprint(fds.sets) != fmt.Sprint(tc.wantSets) {
				t.Errorf("setSoft calls %v, want %v", fds.sets, tc.wantSets)
			}
			if fds.soft != tc.wantSoft {
				t.Errorf("soft limit %d, want %d", fds.soft, tc.wantSoft)
			}
			if got, _ := srv.ConfigValue("maxclients"); got != tc.wantMax {
				t.Errorf("maxclients %s, want %s", got, tc.wantMax)
			}
			if len(warnings) != len(tc.wantWarn) {
				t.Fatalf("warned %q, want %d lines with %q", warnings, len(tc.wantWarn), tc.wantWarn)
			}
			for i, w := range tc.wantWarn {
				if !strings.Contains(warnings[i], w) {
					t.Errorf("warning %q, want it to say %q", warnings[i], w)
				}
			}
		})
	}
}
