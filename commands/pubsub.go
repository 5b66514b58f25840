package commands

import (
	"github.com/runnel-db/runnel/pubsub"
)

// The Pub/Sub commands. Shard channels act, as in a Redis server without
// cluster mode, as plain channels of their own namespace.
func init() {
	ps := []string{"@pubsub", "@slow"}
	sub := NoKeyspace | PubSub | NoScript | Loading | Stale
	shardSpec := []KeySpec{{Flags: []string{"not_key"}, Index: 1, LastKey: -1, KeyStep: 1}}
	pub := func(name string) *Command {
		return &Command{Name: "pubsub|" + name, Arity: -2, Flags: NoKeyspace | PubSub | Loading | Stale, ACL: ps,
			Group: "pubsub", Since: "2.8.0"}
	}
	channels, numsub, numpat := pub("channels"), pub("numsub"), pub("numpat")
	shardchannels, shardnumsub := pub("shardchannels"), pub("shardnumsub")
	channels.Handler, channels.Summary, channels.Complexity = channelsCmd(pubsub.Channel), "Returns the active channels.", "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)"
	numsub.Handler, numsub.Summary, numsub.Complexity = numsubCmd(pubsub.Channel), "Returns a count of subscribers to channels.", "O(N) for the NUMSUB subcommand, where N is the number of requested channels"
	numpat.Arity, numpat.Handler, numpat.Summary, numpat.Complexity = 2, numpatCmd, "Returns a count of unique pattern subscriptions.", "O(1)"
	shardchannels.Handler, shardchannels.Summary, shardchannels.Since, shardchannels.Complexity = channelsCmd(pubsub.Shard), "Returns the active shard channels.", "7.0.0", "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels)."
	shardnumsub.Handler, shardnumsub.Summary, shardnumsub.Since, shardnumsub.Complexity = numsubCmd(pubsub.Shard), "Returns the count of subscribers of shard channels.", "7.0.0", "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels"
	register(
		&Command{Name: "subscribe", Arity: -2, Flags: sub, ACL: ps, Handler: subscribeCmd(pubsub.Channel),
			Summary: "Listens for messages published to channels.", Since: "2.0.0", Group: "pubsub", Complexity: "O(N) where N is the number of channels to subscribe to."},
		&Command{Name: "psubscribe", Arity: -2, Flags: sub, ACL: ps, Handler: subscribeCmd(pubsub.Pattern),
			Summary: "Listens for messages published to channels that match one or more patterns.", Since: "2.0.0", Group: "pubsub", Complexity: "O(N) where N is the number of patterns to subscribe to."},
		&Command{Name: "ssubscribe", Arity: -2, Flags: sub, ACL: ps, Handler: subscribeCmd(pubsub.Shard), FirstKey: 1, LastKey: -1, Step: 1, KeySpecs: shardSpec,
			Summary: "Listens for messages published to shard channels.", Since: "7.0.0", Group: "pubsub", Complexity: "O(N) where N is the number of shard channels to subscribe to."},
		&Command{Name: "unsubscribe", Arity: -1, Flags: sub, ACL: ps, Handler: unsubscribeCmd(pubsub.Channel),
			Summary: "Stops listening to messages posted to channels.", Since: "2.0.0", Group: "pubsub", Complexity: "O(N) where N is the number of channels to unsubscribe."},
		&Command{Name: "punsubscribe", Arity: -1, Flags: sub, ACL: ps, Handler: unsubscribeCmd(pubsub.Pattern),
			Summary: "Stops listening to messages published to channels that match one or more patterns.", Since: "2.0.0", Group: "pubsub", Complexity: "O(N) where N is the number of patterns to unsubscribe."},
		&Command{Name: "sunsubscribe", Arity: -1, Flags: sub, ACL: ps, Handler: unsubscribeCmd(pubsub.Shard), FirstKey: 1, LastKey: -1, Step: 1, KeySpecs: shardSpec,
			Summary: "Stops listening to messages posted to shard channels.", Since: "7.0.0", Group: "pubsub", Complexity: "O(N) where N is the number of shard channels to unsubscribe."},
		&Command{Name: "publish", Arity: 3, Flags: NoKeyspace | PubSub | Loading | Stale | Fast, ACL: []string{"@pubsub", "@fast"}, Handler: publishCmd(pubsub.Channel),
			Summary: "Posts a message to a channel.", Since: "2.0.0", Group: "pubsub", Complexity: "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client)."},
		&Command{Name: "spublish", Arity: 3, Flags: NoKeyspace | PubSub | Loading | Stale | Fast, ACL: []string{"@pubsub", "@fast"}, Handler: publishCmd(pubsub.Shard), FirstKey: 1, LastKey: 1, Step: 1,
			KeySpecs: []KeySpec{{Flags: []string{"not_key"}, Index: 1, LastKey: 0, KeyStep: 1}},
			Summary:  "Post a message to a shard channel", Since: "7.0.0", Group: "pubsub", Complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel."},
		&Command{Name: "pubsub", Arity: -2, ACL: []string{"@slow"}, Summary: "A container for Pub/Sub commands.", Since: "2.8.0", Group: "pubsub", Complexity: "Depends on subcommand."},
		channels, numsub, numpat, shardchannels, shardnumsub,
		&Command{Name: "pubsub|help", Arity: 2, Flags: NoKeyspace | Loading | Stale, ACL: []string{"@slow"}, Handler: pubsubHelpCmd,
			Summary: "Returns helpful text about the different subcommands.", Since: "6.2.0", Group: "pubsub", Complexity: "O(1)"},
	)
}

// subscribeReply writes one (un)subscription confirmation: a push in
// RESP3, an array in RESP2; a nil name is the null of an UNSUBSCRIBE with
// nothing to leave.
func subscribeReply(c *Ctx, kind string, name []byte, count int) {
	c.W.Push(3)
	c.W.BulkString(kind)
	if name == nil {
		c.W.Null()
	} else {
		c.W.Bulk(name)
	}
	c.W.Int(int64(count))
}

var subscribeNames = [...][2]string{
	pubsub.Channel: {"subscribe", "unsubscribe"},
	pubsub.Pattern: {"psubscribe", "punsubscribe"},
	pubsub.Shard:   {"ssubscribe", "sunsubscribe"},
}

// noteCount keeps the client's own copy of its subscription counts.
func noteCount(cl *Client, k pubsub.Kind, count int) {
	if k == pubsub.Shard {
		cl.shardCount = count
	} else {
		cl.subCount = count
	}
}

// SUBSCRIBE channel [channel ...] / PSUBSCRIBE pattern [pattern ...] /
// SSUBSCRIBE shardchannel [shardchannel ...]
func subscribeCmd(k pubsub.Kind) Handler {
	return func(c *Ctx) error {
		s := c.C.subscriber()
		for _, name := range c.Args[1:] {
			_, n := s.Subscribe(k, name)
			noteCount(c.C, k, n)
			subscribeReply(c, subscribeNames[k][0], name, n)
		}
		return nil
	}
}

// UNSUBSCRIBE [channel ...] / PUNSUBSCRIBE [pattern ...] /
// SUNSUBSCRIBE [shardchannel ...]: without names, every subscription of
// the kind, one reply each, or one reply with a null name when there is
// none.
func unsubscribeCmd(k pubsub.Kind) Handler {
	return func(c *Ctx) error {
		var s *pubsub.Subscriber
		if c.C.sub != nil {
			s = c.C.sub
		}
		names := c.Args[1:]
		if len(names) == 0 {
			if s != nil {
				for _, n := range s.Names(k) {
					names = append(names, []byte(n))
				}
			}
			if len(names) == 0 {
				n := c.C.subCount
				if k == pubsub.Shard {
					n = c.C.shardCount
				}
				subscribeReply(c, subscribeNames[k][1], nil, n)
				return nil
			}
		}
		for _, name := range names {
			n := 0
			if s != nil {
				_, n = s.Unsubscribe(k, name)
			} else if k != pubsub.Shard {
				n = c.C.subCount
			}
			noteCount(c.C, k, n)
			subscribeReply(c, subscribeNames[k][1], name, n)
		}
		return nil
	}
}

// PUBLISH channel message / SPUBLISH shardchannel message
func publishCmd(k pubsub.Kind) Handler {
	return func(c *Ctx) error {
		n := c.S.hub.Publish(k, c.Args[1], c.Args[2], c.S.pubSeq(c.InMulti))
		c.W.Int(int64(n))
		return nil
	}
}

// PUBSUB CHANNELS [pattern] / PUBSUB SHARDCHANNELS [pattern]
func channelsCmd(k pubsub.Kind) Handler {
	return func(c *Ctx) error {
		if len(c.Args) > 3 {
			return errSubcommandSyntax(c.Args[1], "pubsub")
		}
		var pattern []byte
		if len(c.Args) == 3 {
			pattern = c.Args[2]
		}
		list := c.S.hub.Channels(k, pattern)
		c.W.Array(len(list))
		for _, n := range list {
			c.W.BulkString(n)
		}
		return nil
	}
}

// PUBSUB NUMSUB [channel ...] / PUBSUB SHARDNUMSUB [shardchannel ...]
func numsubCmd(k pubsub.Kind) Handler {
	return func(c *Ctx) error {
		// A flat array in RESP3 too, as Redis sends it.
		c.W.Array(2 * (len(c.Args) - 2))
		for _, name := range c.Args[2:] {
			c.W.Bulk(name)
			c.W.Int(int64(c.S.hub.NumSub(k, name)))
		}
		return nil
	}
}

// PUBSUB NUMPAT
func numpatCmd(c *Ctx) error {
	c.W.Int(int64(c.S.hub.Len(pubsub.Pattern)))
	return nil
}

var pubsubHelp = []string{
	"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CHANNELS [<pattern>]",
	"    Return the currently active channels matching a <pattern> (default: '*').",
	"NUMPAT",
	"    Return number of subscriptions to patterns.",
	"NUMSUB [<channel> ...]",
	"    Return the number of subscribers for the specified channels, excluding",
	"    pattern subscriptions(default: no channels).",
	"SHARDCHANNELS [<pattern>]",
	"    Return the currently active shard level channels matching a <pattern> (default: '*').",
	"SHARDNUMSUB [<shardchannel> ...]",
	"    Return the number of subscribers for the specified shard level channel(s)",
}

// PUBSUB HELP
func pubsubHelpCmd(c *Ctx) error {
	writeHelp(c, pubsubHelp)
	return nil
}

// errPubSubContext is the RESP2 refusal of a command a subscribed client
// may not run; name is the command's full lower-case name.
func errPubSubContext(name string) Error {
	return Error("ERR Can't execute '" + name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
}

// allowedSubscribed reports whether a RESP2 client in Pub/Sub mode may
// run cmd.
func allowedSubscribed(cmd *Command) bool {
	switch cmd.Name {
	case "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe", "ping", "quit", "reset":
		return true
	}
	return false
}
