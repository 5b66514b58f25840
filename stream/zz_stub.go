package stream

// TEMPORARY: compile-only stand-in with the API the stream store will have;
// deleted when the real store (branch h/stream) merges. Nothing here works.

type Stream struct{}
type Config struct{ NodeMaxEntries, NodeMaxBytes int }

func New(cfg Config) *Stream                                                    { return &Stream{} }
func (s *Stream) SetConfig(cfg Config)                                          {}
func (s *Stream) Len() uint64                                                   { return 0 }
func (s *Stream) LastID() ID                                                    { return ID{} }
func (s *Stream) MaxDeletedID() ID                                              { return ID{} }
func (s *Stream) EntriesAdded() uint64                                          { return 0 }
func (s *Stream) FirstID() ID                                                   { return ID{} }
func (s *Stream) SetLastID(ID)                                                  {}
func (s *Stream) SetMaxDeletedID(ID)                                            {}
func (s *Stream) SetEntriesAdded(uint64)                                        {}
func (s *Stream) NextID(nowMs uint64) (ID, bool)                                { return ID{}, false }
func (s *Stream) NextSeq(ms uint64) (ID, bool)                                  { return ID{}, false }
func (s *Stream) Append(id ID, fields [][]byte)                                 {}
func (s *Stream) Delete(id ID) bool                                             { return false }
func (s *Stream) Get(id ID) ([][]byte, bool)                                    { return nil, false }
func (s *Stream) Range(start, end ID, count int, fn func(ID, [][]byte) bool)    {}
func (s *Stream) RevRange(end, start ID, count int, fn func(ID, [][]byte) bool) {}
func (s *Stream) TrimMaxLen(maxLen uint64, approx bool, limit int64) int64      { return 0 }
func (s *Stream) TrimMinID(minID ID, approx bool, limit int64) int64            { return 0 }
func (s *Stream) Nodes() int                                                    { return 0 }
func (s *Stream) RadixNodes() int                                               { return 0 }
func (s *Stream) First() (ID, [][]byte, bool)                                   { return ID{}, nil, false }
func (s *Stream) Last() (ID, [][]byte, bool)                                    { return ID{}, nil, false }
func (s *Stream) MemoryUsage() int                                              { return 0 }
func (s *Stream) HasTombstonesIn(start, end ID) bool                            { return false }
func (s *Stream) Check() error                                                  { return nil }
