// Package hdr is a log-linear latency histogram in the style of
// HdrHistogram: values below 256 are counted exactly, and every larger value
// falls in one of 128 equal-width sub-buckets of its power-of-two range, so a
// reported quantile is within 1/128 (under 0.8%) of the true value — better
// than two significant digits — at a fixed cost of a few tens of kilobytes per
// histogram whatever the range of values.
//
// A Histogram is not safe for concurrent use. The intended pattern is one
// histogram per goroutine on the hot path (Record is a handful of
// instructions and never allocates), merged into one with Merge when the
// goroutines are done.
package hdr
