package lambdalocal

import (
	"fmt"
	"log/slog"
	"net/url"
	"time"
)

// Defaults applied by [New] to zero-valued [Config] fields.
const (
	DefaultRegion         = "us-east-1"
	DefaultAccountID      = "123456789012" // the account moto uses too
	DefaultTimeout        = 3 * time.Second
	DefaultInitTimeout    = 10 * time.Second
	DefaultConcurrency    = 10
	DefaultMemorySize     = 128
	DefaultShutdownGrace  = 10 * time.Second
	DefaultHandler        = "bootstrap"
	DefaultRuntime        = "provided.al2023"
	defaultArchitecture   = "x86_64"
	maxSyncPayload        = 6 * 1024 * 1024 // 6 MB, AWS RequestResponse request limit
	maxEventPayload       = 256 * 1024      // 256 KB, AWS Event request limit
	maxResponsePayload    = 6*1024*1024 + 100
	maxControlRequestBody = 80 << 20 // a 50 MB zip, base64-encoded, plus JSON
	maxUnzippedCode       = 250 << 20
)

// Config configures a [Server]. The zero value is usable: it serves an empty
// registry, keeps deployed code in a temporary directory and has no fallback.
type Config struct {
	// FunctionsDir, when set, is a folder of <function-name>.zip files
	// deployed at start. An optional <function-name>.json next to a zip holds
	// its configuration in the shape of a Lambda FunctionConfiguration
	// (Handler, Runtime, Timeout, MemorySize, Environment.Variables).
	FunctionsDir string
	// DataDir is where the code of deployed functions is extracted. Each
	// server uses its own fresh sub-directory and removes it on Close. Empty
	// means the system temporary directory.
	DataDir string
	// Fallback is the base URL (e.g. moto's http://127.0.0.1:5000) that every
	// request this server does not handle itself is proxied to. The deploy
	// calls are forwarded to it too, and the functions' output is written to
	// its CloudWatch Logs (see cwlogs.go). Empty means no fallback.
	Fallback string
	// S3Endpoint is where function code given as S3Bucket/S3Key is fetched
	// from (path-style). Empty means Fallback.
	S3Endpoint string
	// DefaultTimeout is the invocation timeout of functions whose
	// configuration does not set one.
	DefaultTimeout time.Duration
	// InitTimeout bounds how long a new handler process may take to ask for
	// its first invocation.
	InitTimeout time.Duration
	// Concurrency is the default per-function concurrency limit: the number
	// of invocations (and handler processes) a function may run at once.
	// Reserved concurrency set through the API overrides it per function.
	Concurrency int
	// Region and AccountID are used in ARNs this server makes up itself and
	// in the handlers' AWS_REGION.
	Region    string
	AccountID string
	// ShutdownGrace bounds how long [Server.Serve] waits for in-flight
	// requests after its context is cancelled.
	ShutdownGrace time.Duration
	// Logger receives structured logs, including handler output. Nil means
	// slog.Default().
	Logger *slog.Logger
	// Node is the program that runs nodejs* functions: a name looked up
	// on PATH when a function starts, or a path. Empty means "node".
	Node string
}

// FunctionConfig is the runtime configuration of one function.
type FunctionConfig struct {
	Handler       string
	Runtime       string
	Role          string
	Description   string
	Timeout       int // seconds; 0 means Config.DefaultTimeout
	MemorySize    int // MB; 0 means 128
	Environment   map[string]string
	Architectures []string
}

// withDefaults returns c with the zero fields filled in.
func (c Config) withDefaults() (Config, error) {
	if c.DefaultTimeout <= 0 {
		c.DefaultTimeout = DefaultTimeout
	}
	if c.InitTimeout <= 0 {
		c.InitTimeout = DefaultInitTimeout
	}
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.AccountID == "" {
		c.AccountID = DefaultAccountID
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = DefaultShutdownGrace
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Node == "" {
		c.Node = DefaultNode
	}
	if c.S3Endpoint == "" {
		c.S3Endpoint = c.Fallback
	}
	for _, u := range []struct{ name, value string }{{"fallback", c.Fallback}, {"S3 endpoint", c.S3Endpoint}} {
		if u.value == "" {
			continue
		}
		parsed, err := url.Parse(u.value)
		if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
			return c, fmt.Errorf("%s %q: want an absolute http(s) URL", u.name, u.value)
		}
	}
	return c, nil
}

// withDefaults returns fc with the zero fields filled in.
func (fc FunctionConfig) withDefaults() FunctionConfig {
	if fc.Handler == "" {
		fc.Handler = DefaultHandler
	}
	if fc.Runtime == "" {
		fc.Runtime = DefaultRuntime
	}
	if fc.MemorySize <= 0 {
		fc.MemorySize = DefaultMemorySize
	}
	if len(fc.Architectures) == 0 {
		fc.Architectures = []string{defaultArchitecture}
	}
	return fc
}

// timeout is the effective invocation timeout of a function.
func (fc FunctionConfig) timeout(def time.Duration) time.Duration {
	if fc.Timeout > 0 {
		return time.Duration(fc.Timeout) * time.Second
	}
	return def
}
