package verify

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a tree head of the key log in the C2SP tlog-checkpoint
// format: the note text
//
//	<origin>
//	<tree size, decimal>
//	<root hash, standard base64>
//
// signed by the log under the note name <origin>, and cosigned by
// witnesses under their own names. The root hash is RFC 6962's, of the
// entries in order, each entry the bytes of a signed statement.
type Checkpoint struct {
	Origin string
	Size   int64
	Hash   tlog.Hash
}

// Text is the checkpoint's note text. It writes no extension lines.
func (c Checkpoint) Text() string {
	return c.Origin + "\n" + strconv.FormatInt(c.Size, 10) + "\n" + c.Hash.String() + "\n"
}

// ParseCheckpoint reads a checkpoint's note text: three lines in their
// one encoding, then optional non-empty extension lines, which C2SP
// allows and this ignores.
func ParseCheckpoint(text string) (Checkpoint, error) {
	body, ok := strings.CutSuffix(text, "\n")
	if !ok {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint does not end in a line feed", ErrMalformed)
	}
	lines := strings.Split(body, "\n")
	if len(lines) < 3 {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint has %d lines, want at least 3", ErrMalformed, len(lines))
	}
	for _, ext := range lines[3:] {
		if ext == "" {
			return Checkpoint{}, fmt.Errorf("%w: checkpoint has an empty extension line", ErrMalformed)
		}
	}
	c := Checkpoint{Origin: lines[0]}
	if c.Origin == "" {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint has no origin", ErrMalformed)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint size %q is not a decimal number", ErrMalformed, lines[1])
	}
	c.Size = size
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize || base64.StdEncoding.EncodeToString(raw) != lines[2] {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint root hash %q is not %d bytes of base64", ErrMalformed, lines[2], tlog.HashSize)
	}
	copy(c.Hash[:], raw)
	return c, nil
}
