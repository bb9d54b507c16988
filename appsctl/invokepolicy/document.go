// Package invokepolicy edits the invoke policy, the IAM managed policy that
// lets Mattermost's invoke credentials read the apps bucket and invoke the
// deployed Lambda functions (named as the Apps framework names them):
//
//   - statement "AllowS3": s3:GetObject on {bucket}/manifests/* and
//     {bucket}/static/*;
//   - statement "AllowS3list": s3:ListBucket on the bucket;
//   - statement "AllowLambda": lambda:InvokeFunction on exactly the ARNs of
//     the deployed functions (added by deploy, removed by clean).
//
// Document edits are pure functions; other statements are kept byte for
// byte. Publishing respects IAM's limits of 5 versions per managed policy
// and 6,144 characters per document.
package invokepolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
)

// Statement IDs this package manages.
const (
	SidS3     = "AllowS3"
	SidS3List = "AllowS3list"
	SidLambda = "AllowLambda"
)

// DocumentVersion is the policy language version.
const DocumentVersion = "2012-10-17"

// Document is an IAM policy document. Statements are kept as raw JSON so
// that the ones this package does not manage survive edits unchanged.
type Document struct {
	Version    string            `json:"Version"`
	ID         string            `json:"Id,omitempty"`
	Statements []json.RawMessage `json:"Statement"`
}

// statement is the shape of the statements this package writes.
type statement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource []string `json:"Resource"`
}

// New returns the initial invoke policy for bucket in partition ("aws"
// unless in China or GovCloud): the two S3 statements and no functions.
func New(partition, bucket string) *Document {
	d := &Document{Version: DocumentVersion}
	d.EnsureS3(partition, bucket)
	return d
}

// Parse decodes a policy document as IAM returns it (URL-encoded, RFC 3986)
// or as plain JSON.
func Parse(s string) (*Document, error) {
	text := strings.TrimSpace(s)
	if !strings.HasPrefix(text, "{") {
		decoded, err := url.PathUnescape(text)
		if err != nil {
			return nil, fmt.Errorf("policy document is neither JSON nor URL-encoded JSON: %w", err)
		}
		text = decoded
	}
	var raw struct {
		Version   string          `json:"Version"`
		ID        string          `json:"Id"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, fmt.Errorf("policy document is not valid JSON: %w", err)
	}
	d := &Document{Version: raw.Version, ID: raw.ID}
	switch st := bytes.TrimSpace(raw.Statement); {
	case len(st) == 0 || string(st) == "null":
	case st[0] == '{':
		d.Statements = []json.RawMessage{st}
	default:
		if err := json.Unmarshal(st, &d.Statements); err != nil {
			return nil, fmt.Errorf("policy document: Statement is neither an object nor a list: %w", err)
		}
	}
	return d, nil
}

// Marshal returns the document as compact JSON, the form sent to IAM.
func (d *Document) Marshal() (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	out := *d
	if out.Statements == nil {
		out.Statements = []json.RawMessage{}
	}
	if err := enc.Encode(out); err != nil {
		return "", fmt.Errorf("encode policy document: %w", err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// Equal reports whether two documents are the same JSON.
func Equal(a, b *Document) bool {
	as, errA := a.Marshal()
	bs, errB := b.Marshal()
	if errA != nil || errB != nil {
		return false
	}
	var av, bv any
	if json.Unmarshal([]byte(as), &av) != nil || json.Unmarshal([]byte(bs), &bv) != nil {
		return false
	}
	return reflect.DeepEqual(av, bv)
}

// Clone returns a deep copy of d.
func (d *Document) Clone() *Document {
	c := &Document{Version: d.Version, ID: d.ID}
	for _, s := range d.Statements {
		c.Statements = append(c.Statements, append(json.RawMessage(nil), s...))
	}
	return c
}

// find returns the index of the statement with sid, or -1.
func (d *Document) find(sid string) int {
	for i, raw := range d.Statements {
		var s struct {
			Sid string `json:"Sid"`
		}
		if json.Unmarshal(raw, &s) == nil && s.Sid == sid {
			return i
		}
	}
	return -1
}

// set replaces the statement with s.Sid, or appends s. It reports whether
// the document changed.
func (d *Document) set(s statement) bool {
	raw, err := json.Marshal(s)
	if err != nil {
		// Cannot happen: statement only holds strings.
		panic(fmt.Sprintf("invokepolicy: encode statement: %v", err))
	}
	i := d.find(s.Sid)
	if i < 0 {
		d.Statements = append(d.Statements, raw)
		return true
	}
	if sameJSON(d.Statements[i], raw) {
		return false
	}
	d.Statements[i] = raw
	return true
}

// remove deletes the statement with sid and reports whether it was there.
func (d *Document) remove(sid string) bool {
	i := d.find(sid)
	if i < 0 {
		return false
	}
	d.Statements = append(d.Statements[:i], d.Statements[i+1:]...)
	return true
}

func sameJSON(a, b []byte) bool {
	var av, bv any
	if json.Unmarshal(a, &av) != nil || json.Unmarshal(b, &bv) != nil {
		return false
	}
	return reflect.DeepEqual(av, bv)
}

// stringList decodes a policy element that may be a string or a list.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("expected a string or a list of strings")
	}
	*l = many
	return nil
}
