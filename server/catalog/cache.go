package catalog

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
)

// CacheKey is the plugin KV key of the cached catalog.
const CacheKey = "catalog.v1"

// maxCacheSize bounds the decompressed cache document.
const maxCacheSize = 512 << 20

type cacheDoc struct {
	SyncedAt time.Time    `json:"synced_at"`
	Entries  []cacheEntry `json:"entries"`
	Skipped  []Skipped    `json:"skipped,omitempty"`
}

type cacheEntry struct {
	Key      string          `json:"key"`
	ETag     string          `json:"etag"`
	Manifest json.RawMessage `json:"manifest"`
}

// encode writes the snapshot as gzip-compressed JSON. Manifests are kept as
// the bytes read from S3, so a newer plugin decodes them with its own rules.
func encode(s *Snapshot) ([]byte, error) {
	doc := cacheDoc{SyncedAt: s.syncedAt, Skipped: s.skipped, Entries: make([]cacheEntry, 0, len(s.entries))}
	for _, a := range s.Apps() {
		for _, e := range a.Versions {
			doc.Entries = append(doc.Entries, cacheEntry{Key: e.Key, ETag: e.ETag, Manifest: e.raw})
		}
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if err := json.NewEncoder(zw).Encode(doc); err != nil {
		return nil, fmt.Errorf("encode catalog cache: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress catalog cache: %w", err)
	}
	return buf.Bytes(), nil
}

// decode reads a cache document. Entries that no longer decode or validate
// (the rules may have changed) are moved to the skipped list.
func decode(data []byte) (*Snapshot, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("catalog cache is not gzip data: %w", err)
	}
	defer zr.Close()
	var doc cacheDoc
	if err := json.NewDecoder(io.LimitReader(zr, maxCacheSize)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("catalog cache is corrupt: %w", err)
	}
	entries := make([]*Entry, 0, len(doc.Entries))
	skipped := doc.Skipped
	for _, ce := range doc.Entries {
		m, err := apps.DecodeManifest(ce.Manifest)
		if err != nil {
			skipped = append(skipped, Skipped{Key: ce.Key, ETag: ce.ETag, Reason: err.Error()})
			continue
		}
		entries = append(entries, &Entry{Key: ce.Key, ETag: ce.ETag, Manifest: m, raw: ce.Manifest})
	}
	return newSnapshot(entries, skipped, doc.SyncedAt), nil
}
