// Package appcheck checks deployed apps with the invoke credentials, the
// ones the Mattermost plugin uses (`appsctl aws test`): list the manifests,
// read each app's static assets, and ping each app's function.
//
// Without an app ID, every app is checked at its listed (highest) version.
// Every check is printed; a failure of any makes the command fail.
package appcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/appsctl/applist"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
	"github.com/lambda-apps/lambda-apps/aws/s3store"
)

// PingTimeout bounds one ping, cold start included.
const PingTimeout = 30 * time.Second

// Checker runs the checks.
type Checker struct {
	store   *s3store.Store
	invoker *lambdainvoke.Client
	p       *report.Printer
}

// New returns a Checker reading from store and invoking through invoker
// (which may be nil when only S3 is checked).
func New(store *s3store.Store, invoker *lambdainvoke.Client, p *report.Printer) *Checker {
	return &Checker{store: store, invoker: invoker, p: p}
}

// FailedError says how many checks failed.
type FailedError struct {
	Failed int
	Total  int
}

func (e *FailedError) Error() string {
	return fmt.Sprintf("%d of %d check(s) failed (see above)", e.Failed, e.Total)
}

// tally counts checks.
type tally struct{ failed, total int }

func (t *tally) add(err error) {
	t.total++
	if err != nil {
		t.failed++
	}
}

func (t *tally) err() error {
	if t.failed > 0 {
		return &FailedError{Failed: t.failed, Total: t.total}
	}
	return nil
}

// List prints every manifest in the bucket (app ID, version, key) and
// fails when one cannot be used or the bucket cannot be listed.
func (c *Checker) List(ctx context.Context) error {
	entries, problems, err := applist.List(ctx, c.store)
	if err != nil {
		return fmt.Errorf("list the manifests in bucket %s: %w", c.store.Bucket(), err)
	}
	if len(entries) == 0 {
		c.p.Infof("No apps in bucket %s", c.store.Bucket())
	} else {
		var buf bytes.Buffer
		w := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
		_, _ = fmt.Fprintln(w, "APP ID\tVERSION\tKEY")
		for _, e := range entries {
			_, _ = fmt.Fprintf(w, "%s\t%s\t%s\n", e.AppID, e.Version, e.Key)
		}
		_ = w.Flush()
		for line := range bytes.Lines(buf.Bytes()) {
			c.p.Infof("%s", bytes.TrimRight(line, "\n"))
		}
	}
	var t tally
	for range entries {
		t.add(nil)
	}
	for _, pr := range problems {
		c.p.Infof("FAIL %s", pr.Error())
		t.add(pr)
	}
	return t.err()
}

// Targets returns the app versions to check: appID at version (or at its
// highest version), or every app at its listed version.
func (c *Checker) Targets(ctx context.Context, appID, version string) ([]applist.Entry, error) {
	var (
		entries  []applist.Entry
		problems []applist.Problem
		err      error
	)
	if appID == "" {
		entries, problems, err = applist.List(ctx, c.store)
	} else {
		entries, problems, err = applist.ListApp(ctx, c.store, appID, version)
	}
	if err != nil {
		return nil, fmt.Errorf("list the manifests in bucket %s: %w", c.store.Bucket(), err)
	}
	for _, pr := range problems {
		c.p.Warnf("skipped %s", pr.Error())
	}
	listed := applist.Listed(entries)
	if len(listed) == 0 {
		if appID == "" {
			return nil, fmt.Errorf("bucket %s has no apps: deploy one with `appsctl aws deploy <bundle.zip>`", c.store.Bucket())
		}
		return nil, fmt.Errorf("bucket %s has no manifest of app %q%s: check with `appsctl aws test list`", c.store.Bucket(), appID, versionSuffix(version))
	}
	return listed, nil
}

func versionSuffix(version string) string {
	if version == "" {
		return ""
	}
	return " version " + version
}

// S3 reads the static assets of each target and checks that the
// manifest's icon is among them.
func (c *Checker) S3(ctx context.Context, targets []applist.Entry) error {
	var t tally
	for _, e := range targets {
		c.p.Infof("%s %s: manifest %s OK", e.AppID, e.Version, e.Key)
		t.add(nil)
		prefix := awsnames.StaticPrefix(e.AppID, e.Version)
		objects, err := c.store.List(ctx, prefix)
		if err != nil {
			c.p.Infof("FAIL list static assets under %s: %v", prefix, err)
			t.add(err)
			continue
		}
		if len(objects) == 0 {
			c.p.Infof("  no static assets under %s", prefix)
		}
		keys := map[string]bool{}
		for _, o := range objects {
			keys[o.Key] = true
			t.add(c.readObject(ctx, o))
		}
		if e.Manifest.Icon != "" {
			key := awsnames.StaticKey(e.AppID, e.Version, e.Manifest.Icon)
			var err error
			if !keys[key] {
				err = fmt.Errorf("icon %q of the manifest is not in the bucket (%s); add it under static/ in the bundle", e.Manifest.Icon, key)
				c.p.Infof("  FAIL %v", err)
			}
			t.add(err)
		}
	}
	return t.err()
}

// readObject reads an object to the end and checks its size.
func (c *Checker) readObject(ctx context.Context, o s3store.Object) error {
	content, err := c.store.Open(ctx, o.Key, "")
	if err != nil {
		c.p.Infof("  FAIL %s: %v", o.Key, err)
		return err
	}
	defer func() { _ = content.Body.Close() }()
	n, err := io.Copy(io.Discard, content.Body)
	if err == nil && n != o.Size {
		err = fmt.Errorf("read %d bytes, the listing says %d", n, o.Size)
	}
	if err != nil {
		c.p.Infof("  FAIL %s: %v", o.Key, err)
		return err
	}
	c.p.Infof("  OK %s (%s, %s)", o.Key, report.FormatBytes(n), content.ContentType)
	return nil
}

// Lambda pings each target: it invokes the function that serves "/ping"
// (as the plugin does at install) and expects a non-error CallResponse.
func (c *Checker) Lambda(ctx context.Context, targets []applist.Entry) error {
	if c.invoker == nil {
		return errors.New("no Lambda client")
	}
	var t tally
	for _, e := range targets {
		t.add(c.ping(ctx, e))
	}
	return t.err()
}

func (c *Checker) ping(ctx context.Context, e applist.Entry) error {
	fail := func(err error) error {
		c.p.Infof("FAIL %s %s: %v", e.AppID, e.Version, err)
		return err
	}
	fn, ok := awsnames.MatchFunction(e.Manifest.AWSLambda.Functions, "/ping")
	if !ok {
		return fail(errors.New("no function of the manifest serves the path /ping"))
	}
	name, err := awsnames.LambdaName(e.AppID, e.Version, fn.Name)
	if err != nil {
		return fail(err)
	}
	req, err := json.Marshal(apps.CallRequest{Call: apps.Call{Path: "/ping"}, Context: apps.Context{AppID: apps.AppID(e.AppID)}})
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(ctx, PingTimeout)
	defer cancel()
	body, err := c.invoker.Call(ctx, name, "/ping", req)
	if err != nil {
		return fail(err)
	}
	resp, err := apps.DecodeCallResponse(body)
	if err != nil {
		return fail(fmt.Errorf("function %s: %w", name, err))
	}
	if err := resp.AsError(); err != nil {
		return fail(fmt.Errorf("function %s answered with an error: %w", name, err))
	}
	text := resp.Text
	if text == "" {
		text = string(resp.Type)
	}
	c.p.Infof("OK %s %s: function %s answered %q", e.AppID, e.Version, name, text)
	return nil
}
