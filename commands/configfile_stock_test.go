package commands

import (
	"os"
	"testing"
)

// stockRedisConf is where Debian's redis-server package puts Redis's own
// redis.conf (CI installs it).
const stockRedisConf = "/etc/redis/redis.conf"

// TestStockRedisConfLoads: Redis's own redis.conf, as the redis-server
// package installs it, loads as it is (every directive of it once stopped
// the start with "Bad directive"; CONFIG GET of them is compared with
// redis-server in compat_test's config/stock-redis-conf-directives cases).
func TestStockRedisConfLoads(t *testing.T) {
	if _, err := os.Stat(stockRedisConf); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing in CI, where redis-server is installed: %v", stockRedisConf, err)
		}
		t.Skipf("no %s (redis-server not installed)", stockRedisConf)
	}
	var warnings []string
	s := New(Options{Logf: func(f string, args ...any) { warnings = append(warnings, f) }})
	defer s.Close()
	if err := s.LoadConfigFile(stockRedisConf); err != nil {
		t.Fatalf("loading %s: %v", stockRedisConf, err)
	}
	for _, name := range []string{"appendonly", "rdbcompression", "client-output-buffer-limit", "maxclients"} {
		if v, ok := s.ConfigValue(name); !ok || (name != "appendonly" && v == "") {
			t.Errorf("%s = %q after loading the stock file", name, v)
		}
	}
	t.Logf("warnings: %q", warnings)
}
