//go:build !unix

package resp

// Away from Unix a connection's writes block until the socket takes them,
// and it reads nothing more meanwhile.
const rawWriteSupported = false

func rawWrite(uintptr, []byte) (int, error) { panic("resp: rawWrite unsupported") }
