// Package config turns the server environment and the System Console
// settings into an immutable configuration snapshot. A snapshot is never
// modified after Load returns; a configuration change produces a new one.
package config

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/lambda-apps/lambda-apps/aws/awsclient"
)

// Environment variables read by the plugin (the names the Apps framework used).
const (
	EnvAccessKey = "MM_APPS_AWS_ACCESS_KEY"
	EnvSecretKey = "MM_APPS_AWS_SECRET_KEY"
	EnvRegion    = "MM_APPS_AWS_REGION"
	EnvBucket    = "MM_APPS_S3_BUCKET"
)

// Defaults.
const (
	DefaultBucket                = "mattermost-apps-bucket"
	DefaultCatalogRefreshMinutes = 15
	DefaultCallTimeoutSeconds    = 30
	DefaultTokenLifetimeSeconds  = 900
	minTokenLifetimeSeconds      = 5
	maxTokenLifetimeSeconds      = 24 * 60 * 60
	maxCatalogRefreshMinutes     = 24 * 60
	maxCallTimeoutSeconds        = 900
)

// Source says where a value came from.
type Source string

// Sources of a configuration value.
const (
	SourceEnvironment Source = "environment"
	SourceConsole     Source = "System Console"
	SourceDefault     Source = "default"
)

// Settings mirrors the plugin's settings_schema in plugin.json.
type Settings struct {
	AWSRegion             string
	S3Bucket              string
	CatalogRefreshMinutes FlexInt
	CallTimeoutSeconds    FlexInt
	// AppTokenLifetimeSeconds bounds the access tokens given to apps.
	AppTokenLifetimeSeconds FlexInt
	// NativeSiteURLApps lists the apps (IDs separated by commas or spaces)
	// that get the server's own site URL instead of the compatibility
	// path (see server/compat).
	NativeSiteURLApps string
}

// FlexInt decodes a JSON number or a numeric string; the System Console
// stores numbers either way depending on the server version.
type FlexInt struct {
	Value int
	Set   bool
	Raw   string
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" || s == `""` {
		*f = FlexInt{}
		return nil
	}
	if unq, err := strconv.Unquote(s); err == nil {
		s = strings.TrimSpace(unq)
	}
	f.Raw = s
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n != float64(int(n)) {
		// Kept in Raw and reported as a problem by Load: a typo in the
		// System Console must never make the configuration unloadable.
		*f = FlexInt{Set: true, Raw: s}
		return nil //nolint:nilerr // see above
	}
	f.Value, f.Set = int(n), true
	f.Raw = ""
	return nil
}

// MarshalJSON implements json.Marshaler.
func (f FlexInt) MarshalJSON() ([]byte, error) {
	if !f.Set {
		return []byte("null"), nil
	}
	return json.Marshal(f.Value)
}

// Config is an immutable configuration snapshot.
type Config struct {
	Credentials    awsclient.Credentials
	Region         string
	RegionSource   Source
	Bucket         string
	BucketSource   Source
	Endpoints      awsclient.Endpoints
	CatalogRefresh time.Duration
	CallTimeout    time.Duration
	// TokenLifetime is how long an access token given to an app is valid.
	TokenLifetime time.Duration
	// NativeSiteURLApps are the apps given the real site URL; every other
	// app gets the compatibility path as its mattermost_site_url.
	NativeSiteURLApps map[string]bool
	// Problems are configuration mistakes that were worked around (a
	// default was used instead); they are shown in the status.
	Problems []string
}

var (
	regionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	bucketRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// Load builds a snapshot: the environment wins over the System Console,
// which wins over the defaults. Invalid values are replaced by defaults and
// reported in Problems; Load never fails.
func Load(s Settings, getenv func(string) string) *Config {
	c := &Config{
		Credentials: awsclient.Credentials{
			AccessKeyID:     strings.TrimSpace(getenv(EnvAccessKey)),
			SecretAccessKey: strings.TrimSpace(getenv(EnvSecretKey)),
		},
		Endpoints: awsclient.EndpointsFromEnv(getenv),
	}
	if (c.Credentials.AccessKeyID == "") != (c.Credentials.SecretAccessKey == "") {
		missing := EnvSecretKey
		if c.Credentials.AccessKeyID == "" {
			missing = EnvAccessKey
		}
		c.Problems = append(c.Problems, fmt.Sprintf("%s is not set: set both %s and %s in the server's environment", missing, EnvAccessKey, EnvSecretKey))
	}

	c.Region, c.RegionSource = pick(getenv(EnvRegion), s.AWSRegion, awsclient.DefaultRegion)
	if !regionRe.MatchString(c.Region) {
		c.Problems = append(c.Problems, fmt.Sprintf("region %q (from %s) is not an AWS region name like us-east-1; using %s", c.Region, c.RegionSource, awsclient.DefaultRegion))
		c.Region, c.RegionSource = awsclient.DefaultRegion, SourceDefault
	}
	c.Bucket, c.BucketSource = pick(getenv(EnvBucket), s.S3Bucket, DefaultBucket)
	if !bucketRe.MatchString(c.Bucket) || strings.Contains(c.Bucket, "..") {
		c.Problems = append(c.Problems, fmt.Sprintf("bucket name %q (from %s) is not a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)", c.Bucket, c.BucketSource))
	}

	refresh := intSetting(&c.Problems, "Catalog refresh interval", s.CatalogRefreshMinutes, DefaultCatalogRefreshMinutes, 0, maxCatalogRefreshMinutes)
	c.CatalogRefresh = time.Duration(refresh) * time.Minute
	timeout := intSetting(&c.Problems, "App call timeout", s.CallTimeoutSeconds, DefaultCallTimeoutSeconds, 1, maxCallTimeoutSeconds)
	c.CallTimeout = time.Duration(timeout) * time.Second
	lifetime := intSetting(&c.Problems, "App token lifetime", s.AppTokenLifetimeSeconds, DefaultTokenLifetimeSeconds, minTokenLifetimeSeconds, maxTokenLifetimeSeconds)
	c.TokenLifetime = time.Duration(lifetime) * time.Second
	for _, id := range strings.FieldsFunc(s.NativeSiteURLApps, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if c.NativeSiteURLApps == nil {
			c.NativeSiteURLApps = map[string]bool{}
		}
		c.NativeSiteURLApps[id] = true
	}
	return c
}

func pick(env, console, def string) (string, Source) {
	if v := strings.TrimSpace(env); v != "" {
		return v, SourceEnvironment
	}
	if v := strings.TrimSpace(console); v != "" {
		return v, SourceConsole
	}
	return def, SourceDefault
}

func intSetting(problems *[]string, name string, v FlexInt, def, lo, hi int) int {
	switch {
	case !v.Set:
		return def
	case v.Raw != "":
		*problems = append(*problems, fmt.Sprintf("%s: %q is not a whole number; using %d", name, v.Raw, def))
		return def
	case v.Value < lo || v.Value > hi:
		*problems = append(*problems, fmt.Sprintf("%s: %d is outside %d-%d; using %d", name, v.Value, lo, hi, def))
		return def
	}
	return v.Value
}

// AWSEnabled reports whether invoke credentials are configured.
func (c *Config) AWSEnabled() bool { return c.Credentials.IsSet() }

// AWSOptions returns the options for awsclient.New.
func (c *Config) AWSOptions() awsclient.Options {
	return awsclient.Options{Region: c.Region, Credentials: c.Credentials, Endpoints: c.Endpoints}
}
