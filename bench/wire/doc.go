// Package wire is a small pipelined RESP client for load generation: the
// benchmark tool speaks RESP itself so that the client is never the
// bottleneck and costs the same against every server.
//
// Commands are appended to a write buffer (Array, then one Bulk per
// argument) and sent with Flush; replies are parsed one at a time by
// ReadReply into a caller-owned Reply whose storage is reused, so a steady
// loop of write, flush and read allocates nothing. Pipelining is the
// caller's business: append many commands, flush once, read as many
// replies.
//
// Only loopback addresses are dialled: the tool generates load against
// servers on this machine, never elsewhere.
package wire
