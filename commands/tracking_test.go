package commands

import (
	"strings"
	"testing"
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

// TestTrackingExec: tracking stays off; ON is refused once its options
// pass Redis's checks, a redirect to oneself included.
func TestTrackingExec(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	id := strings.TrimSpace(strings.TrimPrefix(c.do("client", "id"), ":"))
	runSteps(t, c, []step{
		s(errReply(errTrackingUnsupported), "client", "tracking", "on"),
		s(errReply(errTrackingUnsupported), "client", "tracking", "on", "redirect", id),
		s(ok, "client", "tracking", "off"),
		s(integer(-1), "client", "getredir"),
		s(errReply("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"), "client", "caching", "yes"),
	})
}
