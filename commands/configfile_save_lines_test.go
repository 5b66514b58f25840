package commands

import (
	"strings"
	"testing"
)

// TestConfigFileSaveLinesAccumulate: in a configuration file each save
// line adds its save points to those of the lines before it, as Redis
// reads the file (the stock redis.conf has three save lines); a later
// line must not replace the earlier ones. CONFIG SET save still replaces.
func TestConfigFileSaveLinesAccumulate(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
	}{
		{"two lines", "save 900 1\nsave 300 10\n", "900 1 300 10"},
		{"quoted then plain", "save \"1 1\"\nsave 900 1\n", "1 1 900 1"},
		{"three lines", "save 3600 1\nsave 300 100\nsave 60 10000\n", "3600 1 300 100 60 10000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Options{Logf: func(string, ...any) {}})
			defer s.Close()
			if err := s.loadConfig("test.conf", strings.NewReader(tc.file), &configLoad{}); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.ConfigValue("save"); got != tc.want {
				t.Errorf("save after %q = %q, want %q", tc.file, got, tc.want)
			}
		})
	}
}

// TestConfigFileStockDirectives: lines of the stock redis.conf that runnel
// has no use for load (they stopped the start with "Bad directive").
func TestConfigFileStockDirectives(t *testing.T) {
	file := strings.Join([]string{
		"protected-mode yes", "tcp-backlog 511", "dbfilename dump.rdb",
		"appendfilename \"appendonly.aof\"", "stop-writes-on-bgsave-error yes",
		"supervised auto", "pidfile /var/run/redis_6379.pid",
		"save 3600 1", "save 300 100", "save 60 10000",
	}, "\n") + "\n"
	s := New(Options{Logf: func(string, ...any) {}})
	defer s.Close()
	if err := s.loadConfig("redis.conf", strings.NewReader(file), &configLoad{}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"supervised": "auto", "pidfile": "/var/run/redis_6379.pid", "save": "3600 1 300 100 60 10000"} {
		if got, _ := s.ConfigValue(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}
