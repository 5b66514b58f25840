package commands

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestTrackingParse(t *testing.T) {
	exists := func(id uint64) bool { return id == 7 }
	for _, tc := range []struct {
		args string
		err  Error
		on   bool
	}{
		{"client tracking off", "", false},
		{"client tracking ON", "", true},
		{"client tracking on redirect 7 bcast prefix a prefix b noloop", "", true},
		{"client tracking on optout", "", true},
		{"client tracking on redirect 7 redirect 7", "ERR A client can only redirect to a single other client", true},
		{"client tracking on redirect 8", "ERR The client ID you want redirect to does not exist", true},
		{"client tracking on redirect x", ErrNotInteger, true},
		{"client tracking on redirect", ErrSyntax, true},
		{"client tracking sure", ErrSyntax, false},
		{"client tracking off prefix a", "", false},
		{"client tracking on prefix a", "ERR PREFIX option requires BCAST mode to be enabled", true},
		{"client tracking on bcast optin", "ERR OPTIN and OPTOUT are not compatible with BCAST", true},
		{"client tracking on optin optout", "ERR You can't specify both OPTIN mode and OPTOUT mode", true},
		{"client tracking on bcast prefix ab prefix a", "ERR Prefix 'ab' overlaps with another provided prefix 'a'. Prefixes for a single client must not overlap.", true},
	} {
		var args [][]byte
		for _, w := range strings.Fields(tc.args) {
			args = append(args, []byte(w))
		}
		got, err := parseTracking(args, exists)
		if err == nil && got.on {
			err = got.checkState(trackState{})
		}
		if tc.err != "" {
			if err != tc.err {
				t.Errorf("%s: err %v, want %v", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || got.on != tc.on {
			t.Errorf("%s: %+v, %v", tc.args, got, err)
		}
	}
}

// TestTrackingState: the checks of CLIENT TRACKING ON that depend on the
// client's tracking so far.
func TestTrackingState(t *testing.T) {
	on := trackState{on: true}
	for _, tc := range []struct {
		name string
		cur  trackState
		args trackingArgs
		err  Error
	}{
		{"bcast on plain", on, trackingArgs{on: true, bcast: true}, "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode."},
		{"optin on optout", trackState{on: true, optout: true}, trackingArgs{on: true, optin: true}, "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."},
		{"prefix on existing", trackState{on: true, bcast: true, prefixes: []string{"ab"}}, trackingArgs{on: true, bcast: true, prefixes: [][]byte{[]byte("a")}}, "ERR Prefix 'a' overlaps with an existing prefix 'ab'. Prefixes for a single client must not overlap."},
		{"same mode again", trackState{on: true, optin: true}, trackingArgs{on: true, optin: true}, ""},
		{"off before", trackState{}, trackingArgs{on: true, bcast: true}, ""},
	} {
		if err := tc.args.checkState(tc.cur); err != nil && Error(err.Error()) != tc.err || err == nil && tc.err != "" {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

// TestTrackingRedirect: with REDIRECT the messages go to the other client:
// as Pub/Sub messages of __redis__:invalidate to a RESP2 client subscribed
// to it (not at all to one that is not subscribed); once the redirect's
// client has gone, the tracking client is told instead, at every message
// (RESP3), and CLIENT LIST shows flag R. (The compat suite cannot name a
// client ID; these are redis-server 7.0.15's replies to the same steps.)
func TestTrackingRedirect(t *testing.T) {
	_, addr := startServer(t)
	id := func(c *rawClient) string {
		return strings.TrimSpace(strings.TrimPrefix(c.do("client", "id"), ":"))
	}
	invalidation := "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\ns\r\n"

	sub, a, w := dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)
	subID := id(sub)
	runSteps(t, a, []step{s(ok, "client", "tracking", "on", "redirect", subID), s(integer(0), "xlen", "s")})
	runSteps(t, w, []step{s(bulk("1-1"), "xadd", "s", "1-1", "f", "v")})
	// sub is not subscribed: nothing for it, as in Redis.
	if got := sub.do("ping"); got != "+PONG\r\n" {
		t.Fatalf("unsubscribed redirect got %q", got)
	}
	sub.do("subscribe", "__redis__:invalidate")
	runSteps(t, a, []step{s(integer(1), "xlen", "s")})
	runSteps(t, w, []step{s(bulk("2-1"), "xadd", "s", "2-1", "f", "v")})
	if got := sub.read(); got != invalidation {
		t.Fatalf("RESP2 redirect got %q, want %q", got, invalidation)
	}
	if got := a.do("client", "getredir"); got != ":"+subID+"\r\n" {
		t.Fatalf("GETREDIR %q, want :%s", got, subID)
	}
	// CLIENT INFO's redir: the redirect's ID, 0 for none, -1 untracked.
	for _, tc := range []struct {
		c    *rawClient
		want string
	}{{a, subID}, {w, "-1"}} {
		if got := tc.c.do("client", "info"); !strings.Contains(got, " redir="+tc.want+" ") {
			t.Fatalf("CLIENT INFO %q, want redir=%s", got, tc.want)
		}
	}
	runSteps(t, w, []step{s(ok, "client", "tracking", "on")})
	if got := w.do("client", "info"); !strings.Contains(got, " redir=0 ") {
		t.Fatalf("CLIENT INFO %q, want redir=0", got)
	}
	runSteps(t, w, []step{s(ok, "client", "tracking", "off")})

	// A RESP3 tracking client whose redirect has gone.
	r3, gone := dialRaw(t, addr), dialRaw(t, addr)
	r3.do("hello", "3")
	goneID := id(gone)
	runSteps(t, r3, []step{s(ok, "client", "tracking", "on", "redirect", goneID), s(integer(2), "xlen", "s")})
	gone.conn.Close()
	time.Sleep(100 * time.Millisecond)
	runSteps(t, w, []step{s(bulk("3-1"), "xadd", "s", "3-1", "f", "v")})
	want := ">2\r\n$21\r\ntracking-redir-broken\r\n:" + goneID + "\r\n"
	if got := r3.read(); got != want {
		t.Fatalf("broken redirect: got %q, want %q", got, want)
	}
	if got := r3.do("client", "info"); !strings.Contains(got, " flags=tR ") || !strings.Contains(got, " redir="+goneID+" ") {
		t.Fatalf("CLIENT INFO %q, want flags=tR and redir=%s", got, goneID)
	}
	// Reported again at the next message.
	r3.do("xlen", "s")
	w.do("xadd", "s", "4-1", "f", "v")
	if got := r3.read(); got != want {
		t.Fatalf("second report: got %q, want %q", got, want)
	}
}

// TestTrackingBrokenRedirectRace: a write that finds the redirect gone
// marks the tracking client's state while that client reads it in CLIENT
// TRACKINGINFO, GETREDIR and CACHING, which run without the keyspace lock
// (a data race under -race before they took the client's lock).
func TestTrackingBrokenRedirectRace(t *testing.T) {
	_, addr := startServer(t)
	a, gone, w := dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)
	goneID := clientID(t, gone)
	runSteps(t, a, []step{s(ok, "client", "tracking", "on", "bcast", "redirect", goneID)})
	gone.conn.Close()
	time.Sleep(50 * time.Millisecond)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i <= 200; i++ {
			w.do("xadd", "k", "*", "f", "v")
		}
	}()
	for i := 0; i < 200; i++ {
		a.do("client", "trackinginfo")
		a.do("client", "getredir")
		a.do("client", "caching", "yes")
	}
	<-done
	if got := a.do("client", "trackinginfo"); !strings.Contains(got, "broken_redirect") {
		t.Fatalf("TRACKINGINFO %q, want broken_redirect", got)
	}
}

// TestTrackingRedirectRESP3: a RESP3 redirect target gets the
// invalidations as pushes without subscribing to anything (redis-server
// 7.0.15 sends it >2 invalidate [s]).
func TestTrackingRedirectRESP3(t *testing.T) {
	_, addr := startServer(t)
	target, a, w := dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)
	target.do("hello", "3")
	runSteps(t, a, []step{s(ok, "client", "tracking", "on", "redirect", clientID(t, target)), s(integer(0), "xlen", "s")})
	runSteps(t, w, []step{s(bulk("1-1"), "xadd", "s", "1-1", "f", "v")})
	want := ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\ns\r\n"
	if got := target.read(); got != want {
		t.Fatalf("RESP3 redirect got %q, want %q", got, want)
	}
	if got := target.do("ping"); got != "+PONG\r\n" {
		t.Fatalf("after the push: %q", got)
	}
}

// TestTrackingNoloopLazyExpiry: a key a read finds expired is invalidated
// for its other readers; it is the reading client's write for a
// default-mode NOLOOP client (no message, as Redis checks its current
// client) but nobody's for a BCAST NOLOOP client, which gets the
// invalidation (Redis records no client for an expiry). redis-server
// 7.0.15 gives both. The keys are made expired without entering the
// expiry index, so only the read can remove them.
func TestTrackingNoloopLazyExpiry(t *testing.T) {
	srv, addr := startServer(t)
	plain, bcast, other := dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)
	for _, c := range []*rawClient{plain, bcast, other} {
		c.do("hello", "3")
	}
	addKeys(srv, 0, "p", "b")
	runSteps(t, plain, []step{s(ok, "client", "tracking", "on", "noloop"), s(integer(0), "xlen", "p")})
	runSteps(t, other, []step{s(ok, "client", "tracking", "on"), s(integer(0), "xlen", "p")})
	runSteps(t, bcast, []step{s(ok, "client", "tracking", "on", "bcast", "prefix", "b", "noloop")})
	srv.mu.Lock()
	srv.dbs[0].keys["p"].Expire = 1
	srv.dbs[0].keys["b"].Expire = 1
	srv.mu.Unlock()
	runSteps(t, plain, []step{s(integer(0), "exists", "p"), s("+PONG\r\n", "ping")})
	// Another reader of the key is told of the expiry.
	if got, want := other.read(), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\np\r\n"; got != want {
		t.Fatalf("other reader got %q, want %q", got, want)
	}
	runSteps(t, bcast, []step{s(integer(0), "exists", "b")})
	if got, want := bcast.read(), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nb\r\n"; got != want {
		t.Fatalf("BCAST NOLOOP client got %q, want %q", got, want)
	}
}

// TestTrackingManyPrefixesCostNothingIdle: with many BCAST prefixes, a
// command that modified no key finds nothing to send without looking at
// each prefix (it used to gather them all, at every command, reads
// included: 10,000 prefixes cut pipelined XLENs from 55,000/s to 1,250/s),
// and a write looks up only its key's leading substrings.
func TestTrackingManyPrefixesCostNothingIdle(t *testing.T) {
	srv, addr := startServer(t)
	a := dialRaw(t, addr)
	args := []string{"client", "tracking", "on", "bcast"}
	for i := range 1000 {
		args = append(args, "prefix", fmt.Sprintf("p%04d:", i))
	}
	runSteps(t, a, []step{s(ok, args...)})
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if n := testing.AllocsPerRun(100, srv.flushBroadcasts); n != 0 {
		t.Errorf("flushBroadcasts with nothing modified: %v allocations", n)
	}
	srv.invalidateKey("p0042:x")
	srv.invalidateKey("q")
	if len(srv.tracking.dirty) != 1 || srv.tracking.dirty[0] != "p0042:" {
		t.Errorf("dirty prefixes %q, want [p0042:]", srv.tracking.dirty)
	}
	if keys := srv.tracking.prefixes["p0042:"].keys; len(keys) != 1 {
		t.Errorf("p0042: holds %v", keys)
	}
	srv.flushBroadcasts()
	if len(srv.tracking.dirty) != 0 || len(srv.tracking.prefixes["p0042:"].keys) != 0 {
		t.Error("flushBroadcasts left keys to send")
	}
}

// TestTrackingPrefixOverlapOrder: checkState names the same overlap as
// Redis's pairwise comparison (each new prefix in order, against the
// client's prefixes in sorted order, then the later new ones), on random
// prefixes over a two-letter alphabet, and takes 50,000 prefixes at once
// without comparing every pair.
func TestTrackingPrefixOverlapOrder(t *testing.T) {
	pairwise := func(cur []string, ps [][]byte) string {
		for i, p := range ps {
			for _, q := range cur {
				if overlaps(p, []byte(q)) {
					return "existing " + string(p) + " " + q
				}
			}
			for _, q := range ps[i+1:] {
				if overlaps(p, q) {
					return "provided " + string(p) + " " + string(q)
				}
			}
		}
		return ""
	}
	rng := rand.New(rand.NewPCG(1, 2))
	overlapErr := regexp.MustCompile(`^ERR Prefix '(.*)' overlaps with (an existing|another provided) prefix '(.*)'\.`)
	word := func() string {
		b := make([]byte, rng.IntN(4))
		for i := range b {
			b[i] = "ab"[rng.IntN(2)]
		}
		return string(b)
	}
	for range 5000 {
		var cur []string
		for range rng.IntN(4) {
			if w := word(); !slices.Contains(cur, w) {
				cur = append(cur, w)
			}
		}
		sort.Strings(cur)
		var ps [][]byte
		for range rng.IntN(5) {
			ps = append(ps, []byte(word()))
		}
		want := pairwise(cur, ps)
		args := trackingArgs{on: true, bcast: true, prefixes: ps}
		err := args.checkState(trackState{on: len(cur) > 0, bcast: len(cur) > 0, prefixes: cur})
		got := ""
		if err != nil {
			m := overlapErr.FindStringSubmatch(err.Error())
			if m == nil {
				t.Fatalf("cur %q new %q: %v", cur, ps, err)
			}
			got = map[string]string{"an existing": "existing", "another provided": "provided"}[m[2]] + " " + m[1] + " " + m[3]
		}
		if got != want {
			t.Fatalf("cur %q new %q: got %q, want %q", cur, ps, got, want)
		}
	}

	var many [][]byte
	for i := range 50000 {
		many = append(many, fmt.Appendf(nil, "p%06d:", i))
	}
	start := time.Now()
	args := trackingArgs{on: true, bcast: true, prefixes: many}
	if err := args.checkState(trackState{on: true, bcast: true, prefixes: []string{"q"}}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("50,000 prefixes took %v to check", d)
	}
}
