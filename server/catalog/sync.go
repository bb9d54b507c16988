package catalog

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

type fetched struct {
	obj  s3store.Object
	data []byte
	etag string
	err  error
}

// sync builds a new snapshot from src, reusing prev's entries whose ETag did
// not change. Per-object failures never stop the others.
func (s *Service) sync(ctx context.Context, src Source, prev *Snapshot) (Result, *Snapshot, error) {
	objects, err := src.List(ctx, awsnames.ManifestPrefix)
	if err != nil {
		return Result{}, nil, err
	}
	prevSkipped := make(map[string]Skipped, len(prev.skipped))
	for _, sk := range prev.skipped {
		prevSkipped[sk.Key] = sk
	}

	res := Result{Listed: len(objects)}
	var entries []*Entry
	var skipped []Skipped
	var todo []s3store.Object
	for _, o := range objects {
		if !strings.HasSuffix(o.Key, ".json") {
			continue // not a manifest (for example a folder marker)
		}
		if e, ok := prev.entries[o.Key]; ok && o.ETag != "" && e.ETag == o.ETag {
			entries = append(entries, e)
			res.Reused++
			continue
		}
		if sk, ok := prevSkipped[o.Key]; ok && o.ETag != "" && sk.ETag == o.ETag {
			skipped = append(skipped, sk)
			res.Reused++
			continue
		}
		todo = append(todo, o)
	}

	for _, f := range s.fetchAll(ctx, src, todo) {
		res.Fetched++
		switch {
		case f.err != nil && ctx.Err() != nil:
			return res, nil, fmt.Errorf("catalog sync interrupted: %w", ctx.Err())
		case f.err != nil:
			res.FetchErrs++
			s.opts.Log.Warn("Could not download an app manifest", "key", f.obj.Key, "error", f.err.Error())
			if e, ok := prev.entries[f.obj.Key]; ok {
				entries = append(entries, e) // keep the last good copy
			} else {
				skipped = append(skipped, Skipped{Key: f.obj.Key, Reason: "download failed: " + f.err.Error()})
			}
		default:
			e, reason := parseEntry(f.obj.Key, f.etag, f.data)
			if reason != "" {
				s.opts.Log.Warn("Skipping an app manifest", "key", f.obj.Key, "reason", reason)
				skipped = append(skipped, Skipped{Key: f.obj.Key, ETag: f.etag, Reason: reason})
				continue
			}
			entries = append(entries, e)
		}
	}
	res.Skipped = len(skipped)
	snap := newSnapshot(entries, skipped, s.opts.Now().UTC())
	res.Apps = snap.Len()
	res.Changed = changed(prev, snap)
	return res, snap, nil
}

// parseEntry decodes and validates one manifest object; a non-empty reason
// means it is skipped.
func parseEntry(key, etag string, data []byte) (*Entry, string) {
	m, err := apps.DecodeManifest(data)
	if err != nil {
		return nil, strings.ReplaceAll(err.Error(), "\n", "; ")
	}
	if want := awsnames.ManifestKey(string(m.AppID), string(m.Version)); want != key {
		return nil, fmt.Sprintf("key does not match the manifest's app_id %q and version %q (expected %s)", m.AppID, m.Version, want)
	}
	return &Entry{Key: key, ETag: etag, Manifest: m, raw: data}, ""
}

// fetchAll downloads objects with bounded concurrency, in input order.
func (s *Service) fetchAll(ctx context.Context, src Source, objects []s3store.Object) []fetched {
	out := make([]fetched, len(objects))
	sem := make(chan struct{}, s.opts.Concurrency)
	var wg sync.WaitGroup
	for i, o := range objects {
		out[i].obj = o
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i].err = ctx.Err()
				return
			}
			defer func() { <-sem }()
			out[i].data, out[i].etag, out[i].err = src.ReadSmall(ctx, o.Key, apps.MaxManifestSize)
			if out[i].etag == "" {
				out[i].etag = o.ETag
			}
		}()
	}
	wg.Wait()
	return out
}

func changed(a, b *Snapshot) bool {
	if len(a.entries) != len(b.entries) || len(a.skipped) != len(b.skipped) {
		return true
	}
	for k, e := range a.entries {
		if o, ok := b.entries[k]; !ok || o.ETag != e.ETag {
			return true
		}
	}
	for i := range a.skipped {
		if a.skipped[i] != b.skipped[i] {
			return true
		}
	}
	return false
}
