package commands

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestACLDefaultUser(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	// SHA-256 of "p@ss", as redis-server shows it.
	const hash = "a4048cba70dad0be0b01a8bb00027c775386c3f6194943ad3bf37204781edbc5"
	getuser := func(flags, passwords string) string {
		return "*12\r\n" + bulk("flags") + flags + bulk("passwords") + passwords + bulk("commands") + bulk("+@all") +
			bulk("keys") + bulk("~*") + bulk("channels") + bulk("&*") + bulk("selectors") + arr()
	}
	runSteps(t, c, []step{
		s(bulk("default"), "ACL", "WHOAMI"),
		s(bulks("default"), "ACL", "USERS"),
		s(bulks("user default on nopass ~* &* +@all"), "ACL", "LIST"),
		s(getuser(bulks("on", "nopass"), arr()), "ACL", "GETUSER", "default"),
		s("$-1\r\n", "ACL", "GETUSER", "Default"),
		s(ok, "CONFIG", "SET", "requirepass", "p@ss"),
		s(ok, "AUTH", "p@ss"),
		s(bulks("user default on #"+hash+" ~* &* +@all"), "ACL", "LIST"),
		s(getuser(bulks("on"), bulks(hash)), "ACL", "GETUSER", "default"),
		s(errReply(errACLReadOnly), "ACL", "SETUSER", "bob", "on"),
		s(errReply("ERR The 'default' user cannot be removed"), "ACL", "DELUSER", "x", "default"),
		s(integer(0), "ACL", "DELUSER", "x"),
		s(ok, "ACL", "DRYRUN", "default", "XADD", "s", "*", "f", "v"),
		s(errReply("ERR wrong number of arguments for 'xgroup|create' command"), "ACL", "DRYRUN", "default", "xgroup", "CREATE"),
		s(errReply("ERR Command 'xgroup' not found"), "ACL", "DRYRUN", "default", "xgroup", "nosuch"),
		s(errReply("ERR User 'bob' not found"), "ACL", "DRYRUN", "bob", "ping"),
	})
}

func TestACLCat(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	names := commandsInCategory("@stream")
	joined := " " + strings.Join(names, " ") + " "
	for _, want := range []string{" xadd ", " xreadgroup ", " xgroup|create ", " xinfo|stream "} {
		if !strings.Contains(joined, want) {
			t.Errorf("@stream lacks%s: %v", want, names)
		}
	}
	if strings.Contains(joined, " xgroup ") || strings.Contains(joined, " ping ") {
		t.Errorf("@stream holds a command outside it: %v", names)
	}
	runSteps(t, c, []step{
		s(bulks(names...), "ACL", "CAT", "Stream"),
		s(bulks(aclCategories...), "ACL", "CAT"),
		s(errReply("ERR Unknown category 'nosuch'"), "ACL", "CAT", "nosuch"),
	})
}

var genpassReply = regexp.MustCompile(`^\$[0-9]+\r\n[0-9a-f]+\r\n$`)

func TestACLGenpass(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	for _, tc := range []struct {
		bits string
		n    int
	}{{"", 64}, {"1", 1}, {"5", 2}, {"8", 2}, {"9", 3}, {"4096", 1024}} {
		args := []string{"ACL", "GENPASS"}
		if tc.bits != "" {
			args = append(args, tc.bits)
		}
		got := c.do(args...)
		if !genpassReply.MatchString(got) || got != bulk(got[len(got)-2-tc.n:len(got)-2]) {
			t.Errorf("ACL GENPASS %s: %q", tc.bits, got)
		}
	}
	if a, b := c.do("ACL", "GENPASS"), c.do("ACL", "GENPASS"); a == b {
		t.Errorf("two passwords alike: %q", a)
	}
}

func TestACLLogAuthFailures(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(ok, "CONFIG", "SET", "requirepass", "pw"),
		s(errReply(ErrWrongPass), "AUTH", "bad"),
		s(errReply(ErrWrongPass), "auth", "bob", "bad"),
		s(errReply(ErrWrongPass), "auth", "bob", "bad"),
		s(ok, "AUTH", "pw"),
	})
	srv.stats.acl.mu.Lock()
	entries := append([]aclLogEntry(nil), srv.stats.acl.entries...)
	srv.stats.acl.mu.Unlock()
	if len(entries) != 2 {
		t.Fatalf("%d entries, want 2: %+v", len(entries), entries)
	}
	bob, def := entries[0], entries[1]
	if bob.object != "auth" || bob.username != "bob" || bob.count != 2 || bob.id != 1 ||
		def.object != "AUTH" || def.username != "default" || def.count != 1 || def.id != 0 {
		t.Errorf("entries %+v", entries)
	}
	if !strings.Contains(bob.clientInfo, " cmd=auth ") || !strings.HasPrefix(bob.clientInfo, "id=") {
		t.Errorf("client-info %q", bob.clientInfo)
	}
	got := c.do("ACL", "LOG", "1")
	for _, want := range []string{"*1\r\n*20\r\n", bulk("count") + integer(2), bulk("reason") + bulk("auth"),
		bulk("context") + bulk("toplevel"), bulk("object") + bulk("auth"), bulk("username") + bulk("bob"),
		bulk("age-seconds"), bulk("entry-id") + integer(1), bulk("timestamp-created") + integer(bob.created.UnixMilli()),
		bulk("timestamp-last-updated") + integer(bob.updated.UnixMilli())} {
		if !strings.Contains(got, want) {
			t.Errorf("ACL LOG 1 lacks %q:\n%q", want, got)
		}
	}
	// A denial inside a transaction has its own entry, context "multi".
	runSteps(t, c, []step{
		s(ok, "MULTI"),
		s("+QUEUED\r\n", "AUTH", "bad"),
		s(arr(errReply(ErrWrongPass)), "EXEC"),
	})
	if got := c.do("ACL", "LOG", "1"); !strings.Contains(got, bulk("context")+bulk("multi")) || !strings.Contains(got, bulk("count")+integer(1)) {
		t.Errorf("ACL LOG after AUTH in MULTI:\n%q", got)
	}
	runSteps(t, c, []step{
		s(ok, "ACL", "LOG", "RESET"),
		s(arr(), "ACL", "LOG"),
		s(errReply(ErrNotInteger), "ACL", "LOG", "x"),
	})
}

// TestACLLogGrouping: a repeated denial updates its entry, moves it to the
// head and restarts its age; a denial older than the grouping window from
// the entry's last update makes a new entry; acllog-max-len trims the log
// when the next entry comes.
func TestACLLogGrouping(t *testing.T) {
	srv, addr := startServer(t)
	c := dialRaw(t, addr)
	l := &srv.stats.acl
	users := func() []string {
		l.mu.Lock()
		defer l.mu.Unlock()
		var u []string
		for _, e := range l.entries {
			u = append(u, e.username+":"+strconv.FormatInt(e.count, 10))
		}
		return u
	}
	deny := func(user string) { c.do("AUTH", user, "bad") }
	deny("ann")
	deny("bob")
	// Ann's entry was last updated long ago: its age shows it.
	l.mu.Lock()
	l.entries[1].updated = l.entries[1].updated.Add(-30 * time.Second)
	l.entries[1].created = l.entries[1].created.Add(-50 * time.Second)
	l.mu.Unlock()
	age := func(secs string) *regexp.Regexp {
		return regexp.MustCompile(`age-seconds\r\n\$\d+\r\n` + secs + `(\.\d+)?\r\n`)
	}
	if got := c.do("ACL", "LOG", "2"); !age("30").MatchString(got) {
		t.Fatalf("age-seconds does not count from the last update:\n%q", got)
	}
	deny("ann")
	if got := strings.Join(users(), " "); got != "ann:2 bob:1" {
		t.Fatalf("after a repeat: %s, want ann:2 bob:1", got)
	}
	if got := c.do("ACL", "LOG", "1"); !age("0").MatchString(got) {
		t.Fatalf("the updated entry's age did not restart:\n%q", got)
	}
	// Past the window since ann's last update: a new entry.
	l.mu.Lock()
	l.entries[0].updated = l.entries[0].updated.Add(-aclLogGroup - time.Second)
	l.mu.Unlock()
	deny("ann")
	if got := strings.Join(users(), " "); got != "ann:1 ann:2 bob:1" {
		t.Fatalf("after the window: %s", got)
	}
	runSteps(t, c, []step{
		s(ok, "CONFIG", "SET", "acllog-max-len", "2"),
		s(bulks("acllog-max-len", "2"), "CONFIG", "GET", "acllog-max-len"),
	})
	if got := len(users()); got != 3 {
		t.Fatalf("lowering acllog-max-len trimmed at once: %d entries", got)
	}
	deny("cid")
	if got := strings.Join(users(), " "); got != "cid:1 ann:1" {
		t.Fatalf("after a new entry over the limit: %s", got)
	}
	runSteps(t, c, []step{s(ok, "CONFIG", "SET", "acllog-max-len", "0")})
	deny("dan")
	if got := len(users()); got != 0 {
		t.Fatalf("acllog-max-len 0 keeps %d entries", got)
	}
}

// TestACLSetuserDefaultUnchanged: ACL SETUSER of the default user succeeds
// for rules that change nothing and is refused for any others.
func TestACLSetuserDefaultUnchanged(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	runSteps(t, c, []step{
		s(ok, "ACL", "SETUSER", "default"),
		s(ok, "ACL", "SETUSER", "default", "on", "nopass", "~*", "&*", "+@all"),
		s(ok, "ACL", "SETUSER", "default", "ON", "allkeys", "allchannels", "allcommands"),
		s(errReply(errACLReadOnly), "ACL", "SETUSER", "default", "off"),
		s(errReply(errACLReadOnly), "ACL", "SETUSER", "default", ">pw"),
		s(errReply(errACLReadOnly), "ACL", "SETUSER", "default", "~k*"),
		s(errReply(errACLReadOnly), "ACL", "SETUSER", "default", "-@all"),
		s(errReply(errACLReadOnly), "ACL", "SETUSER", "Default", "on"),
		s(ok, "CONFIG", "SET", "requirepass", "pw"),
		s(ok, "AUTH", "pw"),
		s(ok, "ACL", "SETUSER", "default", ">pw", "on"),
		// nopass would drop the password requirepass set.
		s(errReply(errACLReadOnly), "ACL", "SETUSER", "default", "nopass"),
		s(errReply(errACLReadOnly), "ACL", "SETUSER", "default", ">other"),
	})
}
