// Package awsclient builds AWS SDK v2 clients from explicit credentials,
// honouring the SDK-standard endpoint overrides (AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE>) so that S3-compatible stores and local
// stand-ins can be used. It never reads the shared AWS config files or the
// default credential chain: the plugin and appsctl say exactly which keys
// they use.
package awsclient

import (
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultRegion is used when no region is configured.
const DefaultRegion = "us-east-1"

// Credentials is a static access key pair. Its String method never prints
// the secret.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
}

// IsSet reports whether both halves of the key pair are present.
func (c Credentials) IsSet() bool { return c.AccessKeyID != "" && c.SecretAccessKey != "" }

// String masks the credentials so they can never end up in logs by accident.
func (c Credentials) String() string {
	if !c.IsSet() {
		return "<not set>"
	}
	return "<set>"
}

// GoString masks the credentials for %#v as well.
func (c Credentials) GoString() string { return c.String() }

// Redact replaces every occurrence of the credentials in s with a mask. Use
// it on any text that came from outside (SDK errors, server responses)
// before it is shown or logged.
func (c Credentials) Redact(s string) string {
	for _, secret := range []string{c.SecretAccessKey, c.AccessKeyID} {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "********")
		}
	}
	return s
}

// Endpoints holds endpoint overrides. Empty fields mean "AWS".
type Endpoints struct {
	Default string // AWS_ENDPOINT_URL
	S3      string // AWS_ENDPOINT_URL_S3
	Lambda  string // AWS_ENDPOINT_URL_LAMBDA
	IAM     string // AWS_ENDPOINT_URL_IAM
	STS     string // AWS_ENDPOINT_URL_STS
}

// EndpointsFromEnv reads the SDK-standard endpoint variables through getenv.
func EndpointsFromEnv(getenv func(string) string) Endpoints {
	return Endpoints{
		Default: strings.TrimSpace(getenv("AWS_ENDPOINT_URL")),
		S3:      strings.TrimSpace(getenv("AWS_ENDPOINT_URL_S3")),
		Lambda:  strings.TrimSpace(getenv("AWS_ENDPOINT_URL_LAMBDA")),
		IAM:     strings.TrimSpace(getenv("AWS_ENDPOINT_URL_IAM")),
		STS:     strings.TrimSpace(getenv("AWS_ENDPOINT_URL_STS")),
	}
}

func (e Endpoints) pick(service string) string {
	if service != "" {
		return service
	}
	return e.Default
}

// S3Endpoint is the effective S3 endpoint ("" = AWS).
func (e Endpoints) S3Endpoint() string { return e.pick(e.S3) }

// LambdaEndpoint is the effective Lambda endpoint ("" = AWS).
func (e Endpoints) LambdaEndpoint() string { return e.pick(e.Lambda) }

// IAMEndpoint is the effective IAM endpoint ("" = AWS).
func (e Endpoints) IAMEndpoint() string { return e.pick(e.IAM) }

// STSEndpoint is the effective STS endpoint ("" = AWS).
func (e Endpoints) STSEndpoint() string { return e.pick(e.STS) }

// Options configure New.
type Options struct {
	Region      string
	Credentials Credentials
	Endpoints   Endpoints
	// HTTPClient is optional; the default has sane connection limits.
	HTTPClient aws.HTTPClient
	// MaxAttempts caps SDK retries (0 = SDK default).
	MaxAttempts int
}

// Clients bundles a configured aws.Config with the endpoint overrides so
// service clients can be made consistently.
type Clients struct {
	Config    aws.Config
	Endpoints Endpoints
}

// New returns Clients for the given options. It does no I/O.
func New(o Options) *Clients {
	region := o.Region
	if region == "" {
		region = DefaultRegion
	}
	httpClient := o.HTTPClient
	if httpClient == nil {
		httpClient = defaultHTTPClient()
	}
	cfg := aws.Config{
		Region:           region,
		HTTPClient:       httpClient,
		RetryMaxAttempts: o.MaxAttempts,
	}
	if o.Credentials.IsSet() {
		cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			o.Credentials.AccessKeyID, o.Credentials.SecretAccessKey, ""))
	} else {
		cfg.Credentials = aws.AnonymousCredentials{}
	}
	return &Clients{Config: cfg, Endpoints: o.Endpoints}
}

func defaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 100
	tr.MaxIdleConnsPerHost = 64
	tr.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: tr}
}

func optionalEndpoint(ep string) *string {
	if ep == "" {
		return nil
	}
	return aws.String(ep)
}

// S3 returns an S3 client; path-style addressing is used whenever the S3
// endpoint is overridden (S3-compatible stores rarely do virtual hosts).
func (c *Clients) S3(optFns ...func(*s3.Options)) *s3.Client {
	ep := c.Endpoints.S3Endpoint()
	return s3.NewFromConfig(c.Config, append([]func(*s3.Options){func(o *s3.Options) {
		o.BaseEndpoint = optionalEndpoint(ep)
		o.UsePathStyle = ep != ""
	}}, optFns...)...)
}

// Lambda returns a Lambda client.
func (c *Clients) Lambda(optFns ...func(*lambda.Options)) *lambda.Client {
	ep := c.Endpoints.LambdaEndpoint()
	return lambda.NewFromConfig(c.Config, append([]func(*lambda.Options){func(o *lambda.Options) {
		o.BaseEndpoint = optionalEndpoint(ep)
	}}, optFns...)...)
}

// IAM returns an IAM client.
func (c *Clients) IAM(optFns ...func(*iam.Options)) *iam.Client {
	ep := c.Endpoints.IAMEndpoint()
	return iam.NewFromConfig(c.Config, append([]func(*iam.Options){func(o *iam.Options) {
		o.BaseEndpoint = optionalEndpoint(ep)
	}}, optFns...)...)
}

// STS returns an STS client.
func (c *Clients) STS(optFns ...func(*sts.Options)) *sts.Client {
	ep := c.Endpoints.STSEndpoint()
	return sts.NewFromConfig(c.Config, append([]func(*sts.Options){func(o *sts.Options) {
		o.BaseEndpoint = optionalEndpoint(ep)
	}}, optFns...)...)
}
