package compat_test

import (
	"bytes"
	"net"
	"strconv"
	"strings"
	"testing"
)

// TestMigrateBothWays moves each stream of the DUMP scenarios with MIGRATE
// from redis-server to runnel and from runnel to redis-server, and checks
// that the key left the source and that the target then says about it
// what the source said before (the views of TestDumpRestoreBothWays).
func TestMigrateBothWays(t *testing.T) {
	eachDumpMove(t, func(t *testing.T, sc dumpScenario, m dumpMove) {
		src, dst, dir := m.src, m.dst, m.dir
		var before []Value
		for _, q := range dumpViews(sc.groups) {
			before = append(before, view(t, src, q))
		}
		host, port := splitAddr(t, m.dstAddr)
		if v := mustDo(t, src, "MIGRATE", host, port, "k", "5", "1000"); v.Kind != kSimple || v.Str != "OK" {
			t.Fatalf("MIGRATE from %s: %s", dir[0], pretty(v))
		}
		if v := mustDo(t, src, "EXISTS", "k"); v.Str != "0" {
			t.Fatalf("the key is still on %s", dir[0])
		}
		mustDo(t, dst, "SELECT", "5")
		for i, q := range dumpViews(sc.groups) {
			if b := view(t, dst, q); !bytes.Equal(before[i].bytes(), b.bytes()) {
				t.Fatalf("%s after MIGRATE differs:\n--- %s (source, before):\n%s\n--- %s (target):\n%s",
					strings.Join(q, " "), dir[0], pretty(before[i]), dir[1], pretty(b))
			}
		}
	})
}

func splitAddr(t *testing.T, addr string) (string, string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// migrateStep is one command of TestMigrateAgainstRedis. On "src" it runs
// on the source, on "dst" on the target, and "{host}", "{port}" and
// "{closed}" are replaced by the target's address and a port nobody
// listens on.
type migrateStep struct {
	on   string
	args string
}

// TestMigrateAgainstRedis runs the same MIGRATE scripts with redis-server
// and with runnel as the source, to the same target (a redis-server, then
// a runnel; each with and without requirepass), and compares the replies
// step by step: OK, NOKEY, the target's errors passed through, I/O errors,
// COPY, REPLACE, KEYS, AUTH and AUTH2, the TTL sent and the keys left
// behind.
func TestMigrateAgainstRedis(t *testing.T) {
	redisSrc := startRedis(t)
	rn, err := startRunnel(t)
	if err != nil {
		t.Fatalf("cannot run runnel: %v", err)
	}
	redisDst := startRedis(t)
	redisAuth := startRedis(t)
	rnDst, err := startRunnel(t)
	if err != nil {
		t.Fatalf("cannot run runnel: %v", err)
	}
	rnAuth, err := startRunnel(t)
	if err != nil {
		t.Fatalf("cannot run runnel: %v", err)
	}
	for _, srv := range []*server{redisAuth, rnAuth} {
		mustDo(t, dialT(t, srv.addr), "CONFIG", "SET", "requirepass", "pw")
	}
	closed, err := freePort()
	if err != nil {
		t.Fatal(err)
	}

	plain := parseSteps(
		"src XADD a 1-1 f v", "src XGROUP CREATE a g 0", "src XREADGROUP GROUP g c STREAMS a >",
		"src XADD b 1-1 f v", "src PEXPIRE b 100000", "src XADD c 1-1 f v",
		"src MIGRATE {host} {port} a 0 1000 COPY",
		"src EXISTS a", "dst EXISTS a",
		"src MIGRATE {host} {port} a 0 1000 COPY",
		"src MIGRATE {host} {port} a 0 1000",
		"src EXISTS a",
		"src MIGRATE {host} {port} a 0 1000 REPLACE",
		"src EXISTS a",
		"src MIGRATE {host} {port} nokey 0 1000",
		`src MIGRATE {host} {port} "" 0 1000 KEYS nokey b c`,
		"src EXISTS b c", "dst EXISTS b c", "dst TTL b", "dst TTL c",
		"src XADD d 1-1 f v", "src XADD e 1-1 f v", "dst XADD e 9-9 f v",
		// d is accepted, e is not: d is deleted, e stays.
		`src MIGRATE {host} {port} "" 0 1000 KEYS d e`,
		"src EXISTS d e",
		`src MIGRATE {host} {port} "" 0 1000 REPLACE KEYS e e`,
		"src EXISTS e", "dst XRANGE e - +",
		"src XADD f 1-1 f v",
		"src MIGRATE {host} {port} f 99 1000",
		"src MIGRATE {host} {port} f -1 1000",
		"src MIGRATE {host} {port} f 3 0 COPY",
		"src MIGRATE {host} {port} f 3 -5 COPY REPLACE",
		"src MIGRATE {host} {port} f 0 1000 AUTH pw",
		"src MIGRATE {host} {port} f 0 1000 AUTH2 u pw",
		"src MIGRATE {host} {closed} f 0 100",
		"src MIGRATE nosuchhost.invalid {port} f 0 100",
		"src EXISTS f",
	)
	withAuth := parseSteps(
		"src XADD a 1-1 f v",
		"src MIGRATE {host} {port} a 0 1000 COPY",
		"src MIGRATE {host} {port} a 0 1000 COPY AUTH bad",
		"src MIGRATE {host} {port} a 0 1000 COPY AUTH2 default bad",
		"src MIGRATE {host} {port} a 0 1000 COPY AUTH2 default pw",
		"src MIGRATE {host} {port} a 0 1000 COPY AUTH pw",
		"src MIGRATE {host} {port} a 0 1000 AUTH pw REPLACE",
		"src EXISTS a", "dst EXISTS a",
		// The cached connection is authenticated already.
		"src XADD a 1-1 f v",
		"src MIGRATE {host} {port} a 0 1000 REPLACE",
		"src EXISTS a",
	)
	targets := []struct {
		name   string
		srv    *server
		pass   string
		script []migrateStep
	}{
		{"to-redis", redisDst, "", plain},
		{"to-runnel", rnDst, "", plain},
		{"to-redis-requirepass", redisAuth, "pw", withAuth},
		{"to-runnel-requirepass", rnAuth, "pw", withAuth},
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			var replies [2][]Value
			for i, src := range []*server{redisSrc, rn} {
				s, d := dialT(t, src.addr), dialT(t, tg.srv.addr)
				if tg.pass != "" {
					mustDo(t, d, "AUTH", tg.pass)
				}
				mustDo(t, s, "FLUSHALL")
				mustDo(t, d, "FLUSHALL")
				host, port := splitAddr(t, tg.srv.addr)
				for _, st := range tg.script {
					var args []string
					for _, a := range strings.Fields(st.args) {
						args = append(args, strings.NewReplacer("{host}", host, "{port}", port,
							"{closed}", strconv.Itoa(closed), `""`, "").Replace(a))
					}
					c := s
					if st.on == "dst" {
						c = d
					}
					replies[i] = append(replies[i], mustDo(t, c, args...))
				}
			}
			for j, st := range tg.script {
				a, b := replies[0][j], replies[1][j]
				if verbosity() > 0 {
					t.Logf("%s %s => %s", st.on, st.args, strings.TrimSpace(pretty(a)))
				}
				if !bytes.Equal(a.bytes(), b.bytes()) {
					t.Errorf("%s %s: redis-server as the source gave\n%s\nrunnel as the source gave\n%s",
						st.on, st.args, pretty(a), pretty(b))
				}
			}
		})
	}
}

// parseSteps reads "src ..." and "dst ..." lines.
func parseSteps(lines ...string) []migrateStep {
	var out []migrateStep
	for _, l := range lines {
		on, rest, _ := strings.Cut(l, " ")
		out = append(out, migrateStep{on: on, args: rest})
	}
	return out
}
