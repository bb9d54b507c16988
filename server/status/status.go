// Package status reports the health of the plugin's AWS connection: whether
// invoke credentials are set (never their values), the region and bucket in
// use, and whether the bucket is reachable.
//
// The full Report is for system admins. Everyone else gets its Public view:
// the plugin version, whether apps are available and the enabled apps, with
// nothing about the AWS set-up (bucket, region, endpoints) and no error text.
package status

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/server/callstats"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/config"
	"github.com/lambda-apps/lambda-apps/server/store"
)

// BucketCheckTimeout bounds the HeadBucket call of a status check.
const BucketCheckTimeout = 5 * time.Second

// Report is the status shown by `/apps info`, the REST API and the System
// Console. It never contains credentials.
type Report struct {
	PluginVersion   string        `json:"plugin_version"`
	CredentialsSet  bool          `json:"credentials_set"`
	Region          string        `json:"region"`
	RegionSource    config.Source `json:"region_source"`
	Bucket          string        `json:"bucket"`
	BucketSource    config.Source `json:"bucket_source"`
	S3Endpoint      string        `json:"s3_endpoint,omitempty"`
	LambdaEndpoint  string        `json:"lambda_endpoint,omitempty"`
	BucketReachable bool          `json:"bucket_reachable"`
	BucketError     string        `json:"bucket_error,omitempty"`
	Problems        []string      `json:"problems,omitempty"`
	CheckedAt       time.Time     `json:"checked_at"`
	catalog.Status
	InstalledApps []InstalledApp `json:"installed_apps"`
	// AppCalls are the calls this node made to each app (callstats), for
	// system admins only; AppCallsSince is when it started counting.
	AppCalls      []callstats.AppStats `json:"app_calls,omitempty"`
	AppCallsSince time.Time            `json:"app_calls_since,omitzero"`
}

// InstalledApp is an installed app's line in the status.
type InstalledApp struct {
	AppID string `json:"app_id"`
	// Name is the app's display name; the public view shows the app ID
	// when it is empty.
	Name    string `json:"name,omitempty"`
	Version string `json:"version"`
	Enabled bool   `json:"enabled"`
}

// Check builds a report for cfg. s3api may be nil when no credentials are
// set; the bucket is then reported unreachable with the reason.
func Check(ctx context.Context, version string, cfg *config.Config, s3api s3store.HeadBucketAPI, cat catalog.Status, installed []InstalledApp) Report {
	if installed == nil {
		installed = []InstalledApp{}
	}
	r := Report{
		Status:         cat,
		InstalledApps:  installed,
		PluginVersion:  version,
		CredentialsSet: cfg.AWSEnabled(),
		Region:         cfg.Region,
		RegionSource:   cfg.RegionSource,
		Bucket:         cfg.Bucket,
		BucketSource:   cfg.BucketSource,
		S3Endpoint:     cfg.Endpoints.S3Endpoint(),
		LambdaEndpoint: cfg.Endpoints.LambdaEndpoint(),
		Problems:       cfg.Problems,
		CheckedAt:      time.Now().UTC(),
	}
	r.LastError = cfg.Credentials.Redact(r.LastError)
	if !cfg.AWSEnabled() || s3api == nil {
		r.BucketError = fmt.Sprintf("not checked: AWS apps are unavailable until %s and %s are set in the Mattermost server's environment (then restart the server)", config.EnvAccessKey, config.EnvSecretKey)
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, BucketCheckTimeout)
	defer cancel()
	if err := s3store.CheckBucket(ctx, s3api, cfg.Bucket); err != nil {
		r.BucketError = cfg.Credentials.Redact(err.Error())
		return r
	}
	r.BucketReachable = true
	return r
}

// Markdown renders the report for a slash command response.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### Lambda Apps %s\n\n", r.PluginVersion)
	b.WriteString("| | |\n|:--|:--|\n")
	creds := "not set"
	if r.CredentialsSet {
		creds = "set"
	}
	row(&b, "Invoke credentials", creds)
	row(&b, "Region", fmt.Sprintf("`%s` (%s)", r.Region, r.RegionSource))
	row(&b, "Bucket", fmt.Sprintf("`%s` (%s)", r.Bucket, r.BucketSource))
	if r.S3Endpoint != "" {
		row(&b, "S3 endpoint", "`"+r.S3Endpoint+"`")
	}
	if r.LambdaEndpoint != "" {
		row(&b, "Lambda endpoint", "`"+r.LambdaEndpoint+"`")
	}
	if r.BucketReachable {
		row(&b, "Bucket reachable", "yes")
	} else {
		row(&b, "Bucket reachable", "no: "+r.BucketError)
	}
	for _, p := range r.Problems {
		row(&b, "Configuration problem", p)
	}
	row(&b, "Apps in catalog", fmt.Sprintf("%d (%d manifests, %d skipped)", r.Apps, r.Manifests, r.Skipped))
	switch {
	case r.LastSync.IsZero():
		row(&b, "Last catalog sync", "never")
	case r.FromCache:
		row(&b, "Last catalog sync", r.LastSync.UTC().Format(time.RFC3339)+" (served from the cache)")
	default:
		row(&b, "Last catalog sync", r.LastSync.UTC().Format(time.RFC3339))
	}
	if r.LastError != "" {
		row(&b, "Catalog problem", r.LastError)
	}
	enabled := 0
	for _, a := range r.InstalledApps {
		if a.Enabled {
			enabled++
		}
	}
	row(&b, "Installed apps", fmt.Sprintf("%d (%d enabled)", len(r.InstalledApps), enabled))
	r.appCallsMarkdown(&b)
	return b.String()
}

// appCallsMarkdown adds a table of the calls to each app, when counted.
func (r Report) appCallsMarkdown(b *strings.Builder) {
	if r.AppCallsSince.IsZero() {
		return
	}
	fmt.Fprintf(b, "\n##### App calls on this node since %s\n\n", r.AppCallsSince.UTC().Format(time.RFC3339))
	if len(r.AppCalls) == 0 {
		b.WriteString("No calls yet.\n")
		return
	}
	b.WriteString("| App | Calls (1 h) | Errors (1 h) | p50 / p99 (1 h) | Calls | Errors |\n|:--|--:|--:|--:|--:|--:|\n")
	for _, a := range r.AppCalls {
		h := a.LastHour
		quantiles := "–"
		if h.Calls > 0 {
			quantiles = fmt.Sprintf("%s / %s", formatMs(h.P50Ms), formatMs(h.P99Ms))
		}
		fmt.Fprintf(b, "| %s | %d | %d | %s | %d | %d |\n", cell("`"+a.AppID+"`"), h.Calls, h.Errors, quantiles, a.SinceStart.Calls, a.SinceStart.Errors)
	}
	b.WriteString("\n`/apps info <app_id>` shows an app's errors by class and its paths.\n")
}

func formatMs(ms float64) string {
	if ms < 10 {
		return fmt.Sprintf("%.2f ms", ms)
	}
	if ms < 1000 {
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}

func row(b *strings.Builder, k, v string) {
	fmt.Fprintf(b, "| %s | %s |\n", k, cell(v))
}

// cell escapes v for a markdown table cell.
func cell(v string) string {
	v = strings.ReplaceAll(v, "|", `\|`)
	return strings.ReplaceAll(v, "\n", " ")
}

// Availability says whether users can use apps, without saying why not.
type Availability string

// Availability values.
const (
	// Available: installed apps can be called.
	Available Availability = "available"
	// Limited: installed apps can be called, but the bucket is unreachable
	// (app icons may be missing, no app can be installed).
	Limited Availability = "limited"
	// Unavailable: no app can be called (AWS is not set up).
	Unavailable Availability = "unavailable"
)

// PublicReport is the status for users who are not system admins: what
// they need to use apps, and nothing about the AWS set-up or its errors.
type PublicReport struct {
	PluginVersion string       `json:"plugin_version"`
	Availability  Availability `json:"availability"`
	Apps          []PublicApp  `json:"apps"`
}

// PublicApp is an enabled app in the public status.
type PublicApp struct {
	AppID   string `json:"app_id"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Public returns the view of r for users who are not system admins: the
// plugin version, whether apps are available and the enabled apps, sorted
// by name. It leaves out the region, bucket, endpoints, configuration
// problems and every S3, catalog or AWS error.
func (r Report) Public() PublicReport {
	p := PublicReport{PluginVersion: r.PluginVersion, Availability: Available, Apps: []PublicApp{}}
	switch {
	case !r.CredentialsSet:
		p.Availability = Unavailable
	case !r.BucketReachable:
		p.Availability = Limited
	}
	for _, a := range r.InstalledApps {
		if !a.Enabled {
			continue
		}
		name := a.Name
		if name == "" {
			name = a.AppID
		}
		p.Apps = append(p.Apps, PublicApp{AppID: a.AppID, Name: name, Version: a.Version})
	}
	slices.SortFunc(p.Apps, func(a, b PublicApp) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.AppID, b.AppID))
	})
	return p
}

// Markdown renders the public status for a slash command response.
func (p PublicReport) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### Lambda Apps %s\n\n", p.PluginVersion)
	switch p.Availability {
	case Available:
		b.WriteString("Apps are available.\n\n")
	case Limited:
		b.WriteString("Apps are available, but some of their features may not work right now. A system administrator can see why with `/apps info`.\n\n")
	default:
		b.WriteString("Apps are not available on this server yet. A system administrator can see why with `/apps info`.\n\n")
	}
	if len(p.Apps) == 0 {
		b.WriteString("No apps are installed.\n")
		return b.String()
	}
	b.WriteString("| App | ID | Version |\n|:--|:--|:--|\n")
	for _, a := range p.Apps {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(a.Name), cell("`"+a.AppID+"`"), cell(a.Version))
	}
	return b.String()
}

// AWS is the current configuration and the S3 client built from it (nil
// without credentials).
type AWS interface {
	Config() *config.Config
	S3API() s3store.HeadBucketAPI
}

// Installed lists the installed apps.
type Installed interface {
	List() []*store.InstalledApp
}

// CatalogStatus summarises the catalog.
type CatalogStatus interface {
	Status() catalog.Status
}

// CallStats are the counts of calls to apps (callstats.Stats).
type CallStats interface {
	All() []callstats.AppStats
	Started() time.Time
}

// Reporter builds status reports of the running plugin.
type Reporter struct {
	Version string
	AWS     AWS
	Catalog CatalogStatus
	Apps    Installed
	// Calls, when set, adds the counts of calls to apps.
	Calls CallStats
}

// Report checks the AWS connection now and reports it with the catalog and
// the installed apps.
func (r *Reporter) Report(ctx context.Context) Report {
	var installed []InstalledApp
	for _, a := range r.Apps.List() {
		installed = append(installed, InstalledApp{AppID: string(a.ID()), Name: a.Manifest.DisplayName, Version: string(a.Manifest.Version), Enabled: a.Enabled()})
	}
	report := Check(ctx, r.Version, r.AWS.Config(), r.AWS.S3API(), r.Catalog.Status(), installed)
	if r.Calls != nil {
		report.AppCalls, report.AppCallsSince = r.Calls.All(), r.Calls.Started()
	}
	return report
}
