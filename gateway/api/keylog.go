package api

import "github.com/trackgate/trackgate/crypto"

// KeyLog is the directory's "key_log": the gateway's key log as a client
// checks it (docs/protocol.md §7.8), with the checkpoint that every
// courier's Log is proven against.
type KeyLog struct {
	// Origin is the log's origin: the first line of its checkpoints and
	// the note name of its signature.
	Origin string `json:"origin"`
	// Key is the note verifier key of the log's signing key,
	// "<origin>+<hash>+<base64>".
	Key string `json:"key"`
	// Checkpoint is a signed checkpoint note (C2SP tlog-checkpoint): with
	// a witness quorum, the latest one the quorum cosigned.
	Checkpoint string `json:"checkpoint"`
}

// CourierLog is a directory courier's "log": its statements in the key
// log (crypto/keystatement), each proven against the directory's
// checkpoint.
type CourierLog struct {
	// SigningKeys are every signing-key statement of the courier, from its
	// first signing key on.
	SigningKeys []ProvenStatement `json:"signing_keys"`
	// Keys are the key statements of the courier's keys, in the order of
	// its "keys".
	Keys []ProvenStatement `json:"keys"`
}

// ProvenStatement is a statement of the key log with its place and the
// RFC 6962 inclusion proof that it is there.
type ProvenStatement struct {
	Index     int64        `json:"index"`
	Statement string       `json:"statement"` // the signed note's text
	Proof     []crypto.B64 `json:"proof"`     // 32-byte hashes
}

// LogProof is the answer of GET /v1/log/consistency and GET
// /v1/log/inclusion: the hashes of an RFC 6962 proof.
type LogProof struct {
	Proof []crypto.B64 `json:"proof"`
}
