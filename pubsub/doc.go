// Package pubsub keeps Pub/Sub subscriptions and fans published messages
// out to the subscribers, as Redis's pubsub.c does, without knowing the
// wire protocol: what a subscriber receives is a [Message] value, and its
// [Receiver] encodes it.
//
// # Namespaces
//
// A [Hub] holds three namespaces of names, one per [Kind]: plain channels
// (SUBSCRIBE / PUBLISH), channel patterns (PSUBSCRIBE, matched with
// package glob against every plain channel published to) and shard
// channels (SSUBSCRIBE / SPUBLISH), which in a server without cluster mode
// act as plain channels of their own namespace that patterns do not see.
//
// # Delivery
//
// [Hub.Publish] calls the Receiver of each matching subscriber with the
// hub's lock held, so every subscriber sees messages in one total order,
// and a message published after a subscription took effect reaches it. A
// Receiver must not block: it hands the message to an [Outbox], a
// subscriber's output queue, which never blocks either. The outbox starts
// one goroutine while it holds data, which writes through its Deliver
// function (a slow socket stalls only that goroutine) and ends as soon as
// the queue is empty, so an idle or disconnected subscriber costs no
// goroutine. An outbox over its [Limits] — Redis's
// client-output-buffer-limit for the pubsub class, 32mb hard, 8mb soft for
// 60 seconds — drops its queue and calls its overflow function, which
// disconnects the client.
//
// Messages carry a sequence number chosen by the publisher and passed
// through unchanged; the outbox reports the highest one of each chunk it
// hands out, so its owner can hold a chunk back until, for instance, the
// writes it reports are durable.
//
// # Concurrency
//
// Hub and Outbox are safe for concurrent use. A Subscriber's methods
// may be called from any goroutine, but the counts they return are only
// meaningful to the one goroutine that changes its subscriptions (the
// client's). Lock order: Hub → Outbox; a Receiver runs under the hub's
// lock and must not call back into the hub.
package pubsub
