package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestGoRedis drives runnel with go-redis v9 as an application would: the
// client negotiates RESP3 with HELLO 3 and names its library with CLIENT
// SETINFO when it connects.
func TestGoRedis(t *testing.T) {
	srv, addr := startServer(t)
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: addr, ClientName: "gr-test", MaxRetries: -1})
	defer rdb.Close()

	if got, err := rdb.Ping(ctx).Result(); err != nil || got != "PONG" {
		t.Fatalf("PING: %q %v", got, err)
	}
	list, err := rdb.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, "name=gr-test") || !strings.Contains(list, "resp=3") || !strings.Contains(list, "lib-name=go-redis") {
		t.Errorf("CLIENT LIST after go-redis connected: %q", list)
	}
	if name, err := rdb.ClientGetName(ctx).Result(); err != nil || name != "gr-test" {
		t.Errorf("CLIENT GETNAME: %q %v", name, err)
	}

	addKeys(srv, 0, "s1", "s2", "s3")
	if n, err := rdb.Exists(ctx, "s1", "s2", "nope").Result(); err != nil || n != 2 {
		t.Errorf("EXISTS: %d %v", n, err)
	}
	if ok, err := rdb.Expire(ctx, "s1", time.Minute).Result(); err != nil || !ok {
		t.Errorf("EXPIRE: %v %v", ok, err)
	}
	if ttl, err := rdb.TTL(ctx, "s1").Result(); err != nil || ttl <= 59*time.Second || ttl > time.Minute {
		t.Errorf("TTL: %v %v", ttl, err)
	}
	if ttl, err := rdb.TTL(ctx, "s2").Result(); err != nil || ttl != -1 {
		t.Errorf("TTL without expiry: %v %v", ttl, err)
	}
	if typ, err := rdb.Type(ctx, "s2").Result(); err != nil || typ != "stream" {
		t.Errorf("TYPE: %q %v", typ, err)
	}
	var keys []string
	iter := rdb.Scan(ctx, 0, "s*", 1).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil || len(keys) != 3 {
		t.Errorf("SCAN: %q %v", keys, err)
	}
	if n, err := rdb.Del(ctx, "s1", "s2", "nope").Result(); err != nil || n != 2 {
		t.Errorf("DEL: %d %v", n, err)
	}

	// Pipeline and MULTI/EXEC.
	cmds, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Ping(ctx)
		p.Exists(ctx, "s3")
		p.Echo(ctx, "hi")
		return nil
	})
	if err != nil || len(cmds) != 3 || cmds[1].(*redis.IntCmd).Val() != 1 || cmds[2].(*redis.StringCmd).Val() != "hi" {
		t.Errorf("pipeline: %v %v", cmds, err)
	}
	cmds, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Expire(ctx, "s3", time.Hour)
		p.Persist(ctx, "s3")
		p.TTL(ctx, "s3")
		return nil
	})
	if err != nil || len(cmds) != 3 || !cmds[1].(*redis.BoolCmd).Val() || cmds[2].(*redis.DurationCmd).Val() != -1 {
		t.Errorf("transaction: %v %v", cmds, err)
	}

	// SELECT on a dedicated connection, and the DB option.
	addKeys(srv, 4, "in4")
	conn := rdb.Conn()
	if err := conn.Select(ctx, 4).Err(); err != nil {
		t.Fatal(err)
	}
	if n, _ := conn.DBSize(ctx).Result(); n != 1 {
		t.Errorf("DBSIZE in db 4: %d", n)
	}
	conn.Close()
	rdb4 := redis.NewClient(&redis.Options{Addr: addr, DB: 4})
	defer rdb4.Close()
	if n, err := rdb4.Exists(ctx, "in4").Result(); err != nil || n != 1 {
		t.Errorf("DB option: %d %v", n, err)
	}

	// INFO and CONFIG GET.
	info, err := rdb.Info(ctx, "server", "keyspace").Result()
	if err != nil || !strings.Contains(info, "redis_version:"+RedisVersion) || !strings.Contains(info, "db4:keys=1,") {
		t.Errorf("INFO: %q %v", info, err)
	}
	cfg, err := rdb.ConfigGet(ctx, "stream-node-*").Result()
	if err != nil || cfg["stream-node-max-entries"] != "100" || cfg["stream-node-max-bytes"] != "4096" {
		t.Errorf("CONFIG GET: %v %v", cfg, err)
	}
	if err := rdb.ConfigSet(ctx, "stream-node-max-entries", "50").Err(); err != nil {
		t.Error(err)
	}
	if err := rdb.ConfigSet(ctx, "databases", "3").Err(); err == nil || !strings.Contains(err.Error(), "immutable") {
		t.Errorf("CONFIG SET databases: %v", err)
	}
	// A RESP2 client works the same.
	rdb2 := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2})
	defer rdb2.Close()
	if cfg, err := rdb2.ConfigGet(ctx, "maxclients").Result(); err != nil || cfg["maxclients"] != "10000" {
		t.Errorf("RESP2 CONFIG GET: %v %v", cfg, err)
	}
	if err := rdb.FlushAll(ctx).Err(); err != nil {
		t.Error(err)
	}
	if n, _ := rdb4.DBSize(ctx).Result(); n != 0 {
		t.Errorf("FLUSHALL left %d keys", n)
	}
}

// TestGoRedisAuth checks go-redis's HELLO 3 AUTH handshake against
// requirepass.
func TestGoRedisAuth(t *testing.T) {
	_, addr := startServer(t, func(s *Server) { s.SetConfig("requirepass", "pw") })
	ctx := context.Background()
	bad := redis.NewClient(&redis.Options{Addr: addr, Password: "nope", MaxRetries: -1})
	defer bad.Close()
	if err := bad.Ping(ctx).Err(); err == nil || !strings.Contains(err.Error(), "WRONGPASS") {
		t.Errorf("wrong password: %v", err)
	}
	good := redis.NewClient(&redis.Options{Addr: addr, Password: "pw"})
	defer good.Close()
	if err := good.Ping(ctx).Err(); err != nil {
		t.Errorf("right password: %v", err)
	}
}
