// Package applist finds the app versions deployed in an AWS account: it
// reads the app manifests in the apps bucket
// ("manifests/{appID}_{version}.json"), and it writes and reads the
// description deploy gives every Lambda function, which names the app
// version the function belongs to. App ID and version are taken from each
// manifest's JSON, never parsed out of the key, and the key must match
// them.
package applist

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

// Entry is one valid manifest in the bucket.
type Entry struct {
	Key      string
	AppID    string
	Version  string
	Manifest *apps.Manifest
}

// Problem is a manifest object that could not be used.
type Problem struct {
	Key string
	Err error
}

func (p Problem) Error() string { return p.Key + ": " + p.Err.Error() }

// List reads every manifest in the bucket. Objects under manifests/ that do
// not end in ".json" are not manifests and are skipped. An error is
// returned only when the bucket cannot be listed; unreadable or invalid
// manifests are returned as problems.
func List(ctx context.Context, store *s3store.Store) ([]Entry, []Problem, error) {
	return list(ctx, store, awsnames.ManifestPrefix, "", "")
}

// ListApp reads the manifests of appID (all versions, or only version when
// it is not empty). Valid manifests of other apps whose keys share the
// prefix are left out; unusable objects under the prefix are returned as
// problems since they may belong to appID.
func ListApp(ctx context.Context, store *s3store.Store, appID, version string) ([]Entry, []Problem, error) {
	prefix := awsnames.ManifestPrefix + appID + "_"
	if version != "" {
		prefix = awsnames.ManifestKey(appID, version)
	}
	return list(ctx, store, prefix, appID, version)
}

func list(ctx context.Context, store *s3store.Store, prefix, appID, version string) ([]Entry, []Problem, error) {
	objects, err := store.List(ctx, prefix)
	if err != nil {
		return nil, nil, err
	}
	var entries []Entry
	var problems []Problem
	for _, o := range objects {
		if !strings.HasSuffix(o.Key, ".json") {
			continue
		}
		e, err := read(ctx, store, o.Key)
		switch {
		case err != nil:
			problems = append(problems, Problem{Key: o.Key, Err: err})
		case appID != "" && e.AppID != appID, version != "" && e.Version != version:
			// Another app (or version) whose key shares the prefix.
		default:
			entries = append(entries, e)
		}
	}
	sortEntries(entries)
	return entries, problems, nil
}

// read fetches and validates one manifest.
func read(ctx context.Context, store *s3store.Store, key string) (Entry, error) {
	data, _, err := store.ReadSmall(ctx, key, apps.MaxManifestSize)
	if err != nil {
		return Entry{}, err
	}
	m, err := apps.DecodeManifest(data)
	if err != nil {
		return Entry{}, fmt.Errorf("invalid manifest: %w", err)
	}
	e := Entry{Key: key, AppID: string(m.AppID), Version: string(m.Version), Manifest: m}
	if want := awsnames.ManifestKey(e.AppID, e.Version); key != want {
		return Entry{}, fmt.Errorf("the manifest is for app %q version %q, whose key is %q", e.AppID, e.Version, want)
	}
	return e, nil
}

// Listed returns, for every app, the entry with the highest version (the one
// the plugin lists), sorted by app ID.
func Listed(entries []Entry) []Entry {
	best := map[string]Entry{}
	for _, e := range entries {
		if cur, ok := best[e.AppID]; !ok || apps.CompareVersions(e.Version, cur.Version) > 0 {
			best[e.AppID] = e
		}
	}
	out := make([]Entry, 0, len(best))
	for _, e := range best {
		out = append(out, e)
	}
	sortEntries(out)
	return out
}

// sortEntries orders entries by app ID, then version (lowest first).
func sortEntries(entries []Entry) {
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].AppID != entries[j].AppID {
			return entries[i].AppID < entries[j].AppID
		}
		return apps.CompareVersions(entries[i].Version, entries[j].Version) < 0
	})
}
