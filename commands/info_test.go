package commands

import (
	"regexp"
	"strings"
	"testing"
)

// infoFields parses an INFO reply into its section headers and fields.
func infoFields(t *testing.T, reply string) (sections []string, fields map[string]string) {
	t.Helper()
	i := strings.Index(reply, "\r\n")
	body := reply[i+2 : len(reply)-2]
	fields = map[string]string{}
	line := regexp.MustCompile(`^[A-Za-z0-9_|]+:\S*( \S+)*$`)
	for _, l := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		switch {
		case l == "":
		case strings.HasPrefix(l, "# "):
			sections = append(sections, l[2:])
		case line.MatchString(l):
			k, v, _ := strings.Cut(l, ":")
			fields[k] = v
		default:
			t.Fatalf("INFO line not in Redis's format: %q", l)
		}
	}
	return sections, fields
}

func TestInfoSections(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	dflt := "Server Clients Memory Persistence Stats Replication CPU Modules Errorstats Cluster Keyspace"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"info"}, dflt},
		{[]string{"info", "default"}, dflt},
		{[]string{"info", "all"}, "Server Clients Memory Persistence Stats Replication CPU Commandstats Errorstats Latencystats Cluster Keyspace"},
		{[]string{"info", "everything"}, "Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats Latencystats Cluster Keyspace"},
		{[]string{"info", "KEYSPACE", "server", "server"}, "Server Keyspace"},
		{[]string{"info", "cpu"}, "CPU"},
		{[]string{"info", "nosuch"}, ""},
	} {
		secs, _ := infoFields(t, c.do(tc.args...))
		if strings.Join(secs, " ") != tc.want {
			t.Errorf("%q: sections %q, want %q", tc.args, secs, tc.want)
		}
	}
	if got := c.do("info", "nosuch"); got != "$0\r\n\r\n" {
		t.Errorf("INFO nosuch: %q", got)
	}
	// Sections are separated by exactly one blank line.
	got := c.do("info", "cluster", "modules")
	if got != bulk("# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n") {
		t.Errorf("INFO cluster modules: %q", got)
	}
	c.do("hello", "3")
	if got := c.do("info", "cluster"); got != "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n" {
		t.Errorf("INFO in RESP3: %q", got)
	}
}

func TestInfoFields(t *testing.T) {
	srv, addr := startServer(t)
	addKeys(srv, 0, "a", "b", "c")
	addKeys(srv, 5, "z")
	c, b := dialRaw(t, addr), dialRaw(t, addr)
	c.do("expire", "a", "100")
	c.do("config", "resetstat")
	c.do("nosuchcommand")
	c.do("ttl")
	c.do("expire", "b", "x")
	c.do("del", "c")
	b.send("testblock", "nokey", "0", "group")
	waitFor(t, "block", func() bool { return blockedClients(srv) == 1 })
	_, f := infoFields(t, c.do("info", "everything"))
	want := map[string]string{
		"redis_version":                RedisVersion,
		"runnel_version":               Version,
		"redis_mode":                   "standalone",
		"connected_clients":            "2",
		"blocked_clients":              "1",
		"total_blocking_keys":          "1",
		"total_blocking_keys_on_nokey": "1",
		"loading":                      "0",
		"role":                         "master",
		"connected_slaves":             "0",
		"total_commands_processed":     "3", // resetstat, expire, del; rejected ones do not count
		"total_error_replies":          "3",
		"errorstat_ERR":                "count=3",
		"db5":                          "keys=1,expires=0,avg_ttl=0,subexpiry=0",
		"cmdstat_expire":               "calls=1,usec=" + between(f["cmdstat_expire"], "usec=", ",") + ",usec_per_call=" + between(f["cmdstat_expire"], "usec_per_call=", ",") + ",rejected_calls=0,failed_calls=1",
		"rdb_changes_since_last_save":  f["rdb_changes_since_last_save"],
	}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %q, want %q", k, f[k], v)
		}
	}
	if !strings.HasPrefix(f["db0"], "keys=2,expires=1,avg_ttl=") {
		t.Errorf("db0 = %q", f["db0"])
	}
	if f["cmdstat_ttl"] != "calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0" {
		t.Errorf("cmdstat_ttl = %q", f["cmdstat_ttl"])
	}
	for _, k := range []string{"used_memory", "used_memory_rss", "process_id", "tcp_port", "uptime_in_seconds", "used_cpu_user"} {
		if f[k] == "" || f[k] == "0" && k != "uptime_in_seconds" {
			t.Errorf("%s = %q", k, f[k])
		}
	}
	if f["tcp_port"] != addr[strings.LastIndexByte(addr, ':')+1:] {
		t.Errorf("tcp_port %q for %s", f["tcp_port"], addr)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", 1023: "1023B", 1024: "1.00K", 1881656: "1.79M", 1 << 30: "1.00G"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestMemoryEstimateGrows checks that used_memory follows the keyspace.
func TestMemoryEstimateGrows(t *testing.T) {
	srv, _ := startServer(t)
	before, _ := srv.memoryEstimate(false)
	var keys []string
	for i := 0; i < 1000; i++ {
		keys = append(keys, "key:"+itoa(i))
	}
	addKeys(srv, 0, keys...)
	after, dataset := srv.memoryEstimate(false)
	if after-before < 1000*keyOverhead || dataset < 1000*keyOverhead {
		t.Errorf("estimate grew by %d for 1000 keys (dataset %d)", after-before, dataset)
	}
}

// TestInfoNetBytes: INFO stats counts the bytes read from the socket and
// the replies sent, from CONFIG RESETSTAT on: an inline command counts as
// sent, not as its RESP array, and blank lines count too.
func TestInfoNetBytes(t *testing.T) {
	_, addr := startServer(t)
	c := dialRaw(t, addr)
	c.do("CONFIG", "RESETSTAT")   // its own reply, +OK\r\n, counts: 5 bytes out
	c.do("PING")                  // *1\r\n$4\r\nPING\r\n in (14), +PONG\r\n out
	info := c.do("INFO", "stats") // counted in before it runs: 25 bytes
	if !strings.Contains(info, "\r\ntotal_net_input_bytes:39\r\n") || !strings.Contains(info, "\r\ntotal_net_output_bytes:12\r\n") {
		t.Errorf("INFO stats net bytes:\n%s", info)
	}
	c.do("CONFIG", "RESETSTAT")
	// Inline PING (6 bytes), two blank lines (4), then INFO stats (25).
	if _, err := c.conn.Write([]byte("PING\r\n\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	if got := c.read(); got != "+PONG\r\n" {
		t.Fatalf("inline PING = %q", got)
	}
	info = c.do("INFO", "stats")
	if !strings.Contains(info, "\r\ntotal_net_input_bytes:35\r\n") {
		t.Errorf("INFO stats after an inline command and blank lines:\n%s", info)
	}
}
